/**
 * What happens behind a Cloud Run write: a template change makes a revision, the revision starts
 * (or fails), traffic is routed to ready revisions only, and the service's output fields (uri,
 * latestReadyRevision, terminalCondition, conditions, trafficStatuses) follow.
 */
import { randomBytes } from 'node:crypto';
import type { Identity } from '../identity/identity';
import type { startServingStandIn } from '../serving/standIn';
import type { PythonServing } from '../serving/pythonServer';
import type { Faults } from '../faults';
import type { LogStore } from '../logging/store';
import { nowTimestamp, sleep } from '../time';
import { startRevision } from './revisionStart';
import { revisionLogger } from './revisionLog';
import { CALLER, LATEST, Proto, REVISION, RevisionRec, RunStore, ServiceRec, condition, ingressContainer, logUri, newEtag, newUid } from './store';
import { parseServiceName } from './validate';

export interface DeployerOptions {
  gcsRoot: string;
  /** How long a revision takes to become ready (or fail). */
  deployMs: number;
  coldStartMs?: number;
  startStandIn: typeof startServingStandIn;
  identity: Identity;
  predictors: Map<string, unknown>;
  faults: Faults;
  logs: LogStore;
  /** Python with TensorFlow: revisions run the real Python server. Absent: the TypeScript stand-in. */
  serving?: PythonServing;
}

const REVISION_FIELDS = ['labels', 'annotations', 'scaling', 'vpcAccess', 'timeout', 'serviceAccount', 'containers', 'volumes',
  'executionEnvironment', 'encryptionKey', 'maxInstanceRequestConcurrency', 'serviceMesh', 'encryptionKeyRevocationAction',
  'encryptionKeyShutdownDuration', 'sessionAffinity', 'nodeSelector', 'gpuZonalRedundancyDisabled'];

/** Defaults Cloud Run fills into a template it stores (as its recorded responses show). */
export function withTemplateDefaults(template: Proto, projectNumber: string): Proto {
  const t = structuredClone(template);
  t.containers = (t.containers ?? []).map((c: Proto) => ({ ...c, resources: { ...(c.resources ?? {}), limits: c.resources?.limits ?? { cpu: '1000m', memory: '512Mi' } } }));
  t.maxInstanceRequestConcurrency ??= 80;
  t.timeout ??= { seconds: '300', nanos: 0 };
  t.serviceAccount ||= `${projectNumber}-compute@developer.gserviceaccount.com`;
  return t;
}

/**
 * Canonical JSON, to tell whether an update changes the template (and so makes a revision). Zero
 * values (and enums' *_UNSPECIFIED) count as unset, as in proto3: `{seconds: "300", nanos: 0}`
 * equals `{seconds: "300"}`.
 */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Uint8Array)) {
    const keys = Object.keys(v).sort().filter(k => !isZero((v as Proto)[k]));
    return `{${keys.map(k => `${JSON.stringify(k)}:${canonical((v as Proto)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function isZero(x: unknown): boolean {
  if (x === undefined || x === null || x === 0 || x === '' || x === false || x === '0') return true;
  if (typeof x === 'string' && x.endsWith('_UNSPECIFIED')) return true; // an enum's zero value
  if (Array.isArray(x)) return x.length === 0;
  if (x && typeof x === 'object' && !Buffer.isBuffer(x)) return Object.values(x).every(isZero);
  return false;
}

export class Deployer {
  constructor(private readonly store: RunStore, private readonly o: DeployerOptions) {}

  isPublic(svc: ServiceRec): boolean {
    if (svc.proto.invokerIamDisabled) return true;
    return svc.policy.bindings.some(b => b.role === 'roles/run.invoker' && (b.members ?? []).includes('allUsers'));
  }

  /**
   * run.routes.invoke for a verified caller: the emulator's own identity stands for the project
   * owner (who has it project-wide); others need roles/run.invoker on the service.
   */
  isInvoker(svc: ServiceRec, email: string): boolean {
    if (email === this.o.identity.serviceAccountEmail) return true;
    return svc.policy.bindings.some(b => (b.role === 'roles/run.invoker' || b.role === 'roles/run.admin' || b.role === 'roles/owner')
      && (b.members ?? []).some((m: string) => m === 'allAuthenticatedUsers' || m === `user:${email}` || m === `serviceAccount:${email}`));
  }

  applyPublic(svc: ServiceRec): void {
    const pub = this.isPublic(svc);
    for (const r of this.store.revisionsOf(svc.proto.name)) r.instance?.setPublic(pub);
  }

  /** A new revision from the service's current template (not started yet). */
  createRevision(svc: ServiceRec): RevisionRec {
    const { project, location, id } = parseServiceName(svc.proto.name);
    const t = svc.proto.template;
    const seq = ++svc.revisionSeq;
    const revId = t.revision || `${id}-${String(seq).padStart(5, '0')}-${randomBytes(2).toString('hex').slice(0, 3)}`;
    const now = nowTimestamp();
    const proto: Proto = {
      name: `${svc.proto.name}/revisions/${revId}`, uid: newUid(), generation: '1', createTime: now, updateTime: now,
      launchStage: svc.proto.launchStage ?? 'GA', service: svc.proto.name, reconciling: true, observedGeneration: '1',
      conditions: [condition('Ready', 'CONDITION_RECONCILING'), condition('ContainerHealthy', 'CONDITION_RECONCILING'), condition('ResourcesAvailable', 'CONDITION_RECONCILING')],
      logUri: logUri(project, id, revId), etag: newEtag(), creator: CALLER,
      labels: {}, annotations: {},
    };
    for (const k of REVISION_FIELDS) if (t[k] !== undefined) proto[k] = structuredClone(t[k]);
    if (t.scaling) proto.scaling = { minInstanceCount: t.scaling.minInstanceCount, maxInstanceCount: t.scaling.maxInstanceCount };
    proto.scalingStatus = { desiredMinInstanceCount: t.scaling?.minInstanceCount ?? 0 };
    const rec: RevisionRec = { proto, seq, ready: false };
    this.store.revisions.set(proto.name, rec);
    void location;
    return rec;
  }

  /** One instance of a revision: the real server or the stand-in, behind Cloud Run's front. */
  private async launch(svc: ServiceRec, rev: RevisionRec) {
    const { project, location, id } = parseServiceName(svc.proto.name);
    const revId = rev.proto.name.split('/').pop()!;
    const log = revisionLogger(this.o.logs, { project, location, serviceId: id, revisionId: revId });
    try {
      return await startRevision({
        serviceId: id, revisionId: revId, template: rev.proto, gcsRoot: this.o.gcsRoot, coldStartMs: this.o.coldStartMs,
        public: this.isPublic(svc), audience: svc.proto.uri,
      }, { startStandIn: this.o.startStandIn, identity: this.o.identity, isInvoker: email => this.isInvoker(svc, email), predictors: this.o.predictors, faults: this.o.faults, log, serving: this.o.serving });
    } catch (e) {
      log('stderr', 'ERROR', { textPayload: `emulator: revision failed to start: ${(e as Error).message}` });
      return { ok: false as const, reason: (e as Error).message };
    }
  }

  /**
   * Real servers of revisions that no traffic reaches are stopped (Cloud Run scales them to zero)
   * and started again when traffic comes back (rollback, canary): a cold start, as on Cloud Run.
   */
  private async scaleToTraffic(svc: ServiceRec, needed: Set<RevisionRec>): Promise<void> {
    for (const rev of needed) {
      if (rev.instance || !rev.ready || !this.o.serving) continue;
      rev.waking ??= this.launch(svc, rev).then(async r => {
        rev.waking = undefined;
        if (!r.ok) return;
        if (svc.deleted || !this.store.revisions.has(rev.proto.name) || !rev.ready) { await r.instance.close(); return; }
        rev.instance = r.instance;
        rev.server = r.real;
      });
      await rev.waking;
    }
    for (const rev of this.store.revisionsOf(svc.proto.name)) {
      if (rev.server && !needed.has(rev) && rev.instance) {
        const inst = rev.instance;
        rev.instance = undefined;
        rev.server = undefined;
        await inst.close();
      }
    }
  }

  /** Start a revision and settle the service; resolves to undefined when ready, or the error message. */
  async start(svc: ServiceRec, rev: RevisionRec): Promise<string | undefined> {
    const { project, location, id } = parseServiceName(svc.proto.name);
    const revId = rev.proto.name.split('/').pop()!;
    const log = revisionLogger(this.o.logs, { project, location, serviceId: id, revisionId: revId });
    await sleep(this.o.deployMs);
    const image: string = ingressContainer(rev.proto).image ?? '';
    if (this.o.faults.imageMissing(image)) {
      // Cloud Run fails the revision before any instance starts: no container logs.
      const message = `Revision '${revId}' is not ready and cannot serve traffic. Image '${image}' not found.`;
      rev.proto.reconciling = false;
      rev.failed = message;
      rev.proto.conditions = [condition('Ready', 'CONDITION_FAILED', { message, severity: 'ERROR' }), condition('ContainerHealthy', 'CONDITION_UNKNOWN')];
      return message;
    }
    const result = await this.launch(svc, rev);
    if (svc.deleted || !this.store.revisions.has(rev.proto.name)) {
      if (result.ok) await result.instance.close();
      return 'The service was deleted while the revision was starting.';
    }
    rev.proto.reconciling = false;
    rev.proto.updateTime = nowTimestamp();
    if (result.ok) {
      rev.ready = true;
      rev.instance = result.instance;
      rev.server = result.real;
      rev.proto.conditions = [condition('Ready', 'CONDITION_SUCCEEDED'), condition('ContainerHealthy', 'CONDITION_SUCCEEDED'), condition('ResourcesAvailable', 'CONDITION_SUCCEEDED')];
      const current = svc.proto.latestReadyRevision ? this.store.revisions.get(svc.proto.latestReadyRevision) : undefined;
      if (!current || current.seq < rev.seq) svc.proto.latestReadyRevision = rev.proto.name;
      return undefined;
    }
    const port = ingressContainer(rev.proto).ports?.[0]?.containerPort ?? 8080;
    const message = `Revision '${revId}' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=${port} environment variable within the allocated timeout. This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended. Logs for this revision might contain more information.\n\nLogs URL: ${rev.proto.logUri}\nFor more troubleshooting guidance, see https://cloud.google.com/run/docs/troubleshooting#container-failed-to-start`;
    rev.failed = message;
    rev.proto.conditions = [
      condition('Ready', 'CONDITION_FAILED', { message, severity: 'ERROR' }),
      condition('ContainerHealthy', 'CONDITION_FAILED', { message: `Container failed to start: ${result.reason}`, revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR', severity: 'ERROR' }),
      condition('ResourcesAvailable', 'CONDITION_SUCCEEDED'),
    ];
    return message;
  }

  /** Route traffic to ready revisions and refresh the service's output fields. */
  async settle(svc: ServiceRec, failure?: string): Promise<void> {
    const p = svc.proto;
    const latestReady = p.latestReadyRevision ? this.store.revisions.get(p.latestReadyRevision) : undefined;
    const needed = new Set<RevisionRec>();
    for (const t of p.traffic ?? []) {
      const rev = t.type === REVISION ? this.store.findRevision(p.name, t.revision) : latestReady;
      if (rev?.ready && (t.percent || t.tag)) needed.add(rev);
    }
    await this.scaleToTraffic(svc, needed);
    const weights = new Map<RevisionRec, number>();
    const tags = new Map<string, string | undefined>();
    const statuses: Proto[] = [];
    for (const t of p.traffic ?? []) {
      const rev = t.type === REVISION ? this.store.findRevision(p.name, t.revision) : latestReady;
      if (rev?.ready && rev.instance && t.percent) weights.set(rev, (weights.get(rev) ?? 0) + t.percent);
      const st: Proto = { type: t.type, percent: t.percent ?? 0 };
      if (t.type === REVISION) st.revision = t.revision.split('/').pop();
      if (t.tag) { st.tag = t.tag; tags.set(t.tag, rev?.instance?.url); }
      statuses.push(st);
    }
    svc.router.setTargets([...weights].map(([r, percent]) => ({ url: r.instance!.url, percent })));
    const tagUrls = await svc.router.setTags(tags);
    for (const st of statuses) if (st.tag) st.uri = tagUrls.get(st.tag);
    p.trafficStatuses = statuses;
    const configOk = !failure;
    const routesOk = weights.size > 0;
    p.reconciling = false;
    p.observedGeneration = p.generation;
    p.terminalCondition = configOk && routesOk
      ? condition('Ready', 'CONDITION_SUCCEEDED')
      : condition('Ready', 'CONDITION_FAILED', { message: failure ?? 'No revision is ready to serve traffic.', severity: 'ERROR' });
    p.conditions = [
      routesOk ? condition('RoutesReady', 'CONDITION_SUCCEEDED') : condition('RoutesReady', 'CONDITION_FAILED', { message: failure ?? 'No revision is ready to serve traffic.', severity: 'ERROR' }),
      configOk ? condition('ConfigurationsReady', 'CONDITION_SUCCEEDED') : condition('ConfigurationsReady', 'CONDITION_FAILED', { message: failure, severity: 'ERROR' }),
    ];
    p.etag = newEtag();
    this.applyPublic(svc);
  }

  async stopRevision(rev: RevisionRec): Promise<void> {
    const inst = rev.instance;
    rev.instance = undefined;
    rev.server = undefined;
    rev.ready = false;
    if (inst) await inst.close();
  }
}

export { LATEST };

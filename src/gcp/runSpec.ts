/**
 * Cloud Run v2 Service JSON ↔ ServingSpec. Reads both shapes the API comes in: REST JSON
 * (`"timeout": "60s"`) and the gRPC client's decoded messages (`{seconds: "60"}`, Long). Writing
 * merges into an existing service and touches only the fields whose value changed, so a spec read
 * from a service and applied back leaves the service exactly as it was (the round-trip test holds
 * that on real Cloud Run JSON) and a redeploy keeps what it does not own.
 */
import type { ServingMount, ServingSpec } from '../serving/servingSpec';
import { isDefaultComputeAccount, servingContainerIndex } from '../serving/deploy/mergeService';

type Json = Record<string, any>;

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(typeof v === 'object' ? String(v) : v);
  return Number.isFinite(n) ? n : undefined;
}

/** Duration as REST ("300s", "1.5s") or gRPC ({seconds, nanos}) → whole seconds. */
function durationSeconds(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?)s$/.exec(v.trim());
    return m ? Math.round(Number(m[1])) : undefined;
  }
  if (v && typeof v === 'object' && 'seconds' in v) return num((v as Json).seconds);
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

function mountOf(t: Json, c: Json | undefined): ServingMount | undefined {
  if (!c) return undefined;
  const gcsVolumes = new Map<string, Json>(((t.volumes ?? []) as Json[]).filter(v => v?.gcs?.bucket).map(v => [String(v.name), v.gcs as Json]));
  const mounts = ((c.volumeMounts ?? []) as Json[]).filter(m => gcsVolumes.has(String(m.name)));
  // The model's mount: under /models/ (where TF Serving looks), else the only Cloud Storage one.
  const m = mounts.find(x => String(x.mountPath ?? '').startsWith('/models/')) ?? (mounts.length === 1 ? mounts[0] : undefined);
  if (!m) return undefined;
  const gcs = gcsVolumes.get(String(m.name))!;
  const onlyDir = ((gcs.mountOptions ?? []) as unknown[]).map(String).find(o => o.startsWith('only-dir='));
  return { volume: String(m.name), bucket: String(gcs.bucket), folder: onlyDir ? onlyDir.slice('only-dir='.length) : '', mountPath: String(m.mountPath ?? ''), readOnly: gcs.readOnly === true };
}

/** The serving spec of a Cloud Run v2 Service (or of its `template` alone). */
export function servingSpecOf(service: Json): ServingSpec {
  const t: Json = (service.template ?? (service.containers ? service : {})) as Json;
  const index = servingContainerIndex(t);
  const c = index >= 0 ? ((t.containers ?? []) as Json[])[index] : undefined;
  const env: Record<string, string> = {};
  const secretEnv: string[] = [];
  for (const e of (c?.env ?? []) as Json[]) {
    if (typeof e?.name !== 'string') continue;
    if (e.valueSource?.secretKeyRef) secretEnv.push(e.name);
    else if (typeof e.value === 'string') env[e.name] = e.value;
  }
  const sa = str(t.serviceAccount);
  const limits = (c?.resources?.limits ?? {}) as Json;
  const port = num(((c?.ports ?? []) as Json[])[0]?.containerPort);
  return {
    containerIndex: index,
    containerName: str(c?.name),
    image: str(c?.image),
    args: ((c?.args ?? []) as unknown[]).map(String),
    port,
    resources: dropUndefined({ cpu: str(limits.cpu), memory: str(limits.memory), startupCpuBoost: bool(c?.resources?.startupCpuBoost), cpuIdle: bool(c?.resources?.cpuIdle) }),
    scaling: dropUndefined({
      minInstances: num(t.scaling?.minInstanceCount), maxInstances: num(t.scaling?.maxInstanceCount),
      concurrency: num(t.maxInstanceRequestConcurrency), timeoutSeconds: durationSeconds(t.timeout),
    }),
    mount: mountOf(t, c),
    env,
    secretEnv,
    identity: { serviceAccount: sa, defaultCompute: isDefaultComputeAccount(sa) },
  };
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function copy<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v)) as T;
}

/**
 * `service` with `spec` written into it: a deep copy where only the fields whose value differs
 * from the service's own spec are changed (an unset field in `spec` removes the setting, so Cloud
 * Run's default applies). Secret env vars, other containers, volumes and everything else are kept.
 * Throws when the spec names a container the service does not have.
 */
export function withServingSpec(service: Json, spec: ServingSpec): Json {
  const out = copy(service);
  const was = servingSpecOf(out);
  const t: Json = (out.template ??= {});
  t.containers ??= [];
  let c: Json | undefined = spec.containerIndex >= 0 ? t.containers[spec.containerIndex] : undefined;
  if (spec.containerIndex >= 0 && !c) {
    if (spec.containerIndex !== t.containers.length) throw new Error(`containerIndex: the service has ${t.containers.length} container(s), not ${spec.containerIndex + 1}`);
    t.containers.push((c = {}));
  }
  const set = (o: Json, k: string, v: unknown) => { if (v === undefined) delete o[k]; else o[k] = v; };

  if (c) {
    if (spec.containerName !== was.containerName) set(c, 'name', spec.containerName);
    if (spec.image !== was.image) set(c, 'image', spec.image);
    if (!same(spec.args, was.args)) set(c, 'args', spec.args.length ? [...spec.args] : undefined);
    if (spec.port !== was.port) set(c, 'ports', spec.port === undefined ? undefined : [{ ...(c.ports?.[0] ?? { name: 'http1' }), containerPort: spec.port }]);
    if (!same(spec.resources, was.resources)) {
      const r: Json = (c.resources ??= {});
      const limits: Json = (r.limits ??= {});
      set(limits, 'cpu', spec.resources.cpu);
      set(limits, 'memory', spec.resources.memory);
      set(r, 'startupCpuBoost', spec.resources.startupCpuBoost);
      set(r, 'cpuIdle', spec.resources.cpuIdle);
    }
    if (!same(spec.env, was.env) || !same(spec.secretEnv, was.secretEnv)) {
      const old = (c.env ?? []) as Json[];
      // Secrets are kept as they are (by name); plain values follow the spec, in the old order first.
      const kept = old.filter(e => e?.valueSource && spec.secretEnv.includes(e.name));
      const plain = Object.entries(spec.env).map(([name, value]) => ({ ...(old.find(e => e?.name === name && !e.valueSource) ?? {}), name, value }));
      const order = (e: Json) => { const i = old.findIndex(o => o?.name === e.name); return i < 0 ? Infinity : i; };
      set(c, 'env', [...kept, ...plain].sort((a, b) => order(a) - order(b)));
    }
    if (!same(spec.mount, was.mount)) writeMount(t, c, was.mount, spec.mount);
  }
  if (!same(spec.scaling, was.scaling)) {
    const s = spec.scaling;
    if (s.minInstances !== was.scaling.minInstances || s.maxInstances !== was.scaling.maxInstances) {
      const sc: Json = (t.scaling ??= {});
      set(sc, 'minInstanceCount', s.minInstances);
      set(sc, 'maxInstanceCount', s.maxInstances);
    }
    if (s.concurrency !== was.scaling.concurrency) set(t, 'maxInstanceRequestConcurrency', s.concurrency);
    if (s.timeoutSeconds !== was.scaling.timeoutSeconds) set(t, 'timeout', s.timeoutSeconds === undefined ? undefined : { seconds: s.timeoutSeconds });
  }
  if (spec.identity.serviceAccount !== was.identity.serviceAccount) set(t, 'serviceAccount', spec.identity.serviceAccount);
  return out;
}

function writeMount(t: Json, c: Json, was: ServingMount | undefined, m: ServingMount | undefined): void {
  const volumes = (t.volumes ??= []) as Json[];
  const mounts = (c.volumeMounts ??= []) as Json[];
  if (was) {
    t.volumes = volumes.filter(v => v.name !== was.volume);
    c.volumeMounts = mounts.filter(x => x.name !== was.volume);
  }
  if (m) {
    (t.volumes as Json[]).push({ name: m.volume, gcs: { bucket: m.bucket, readOnly: m.readOnly, mountOptions: m.folder ? [`only-dir=${m.folder}`] : [] } });
    (c.volumeMounts as Json[]).push({ name: m.volume, mountPath: m.mountPath });
  }
  if (!(t.volumes as Json[]).length) delete t.volumes;
  if (!(c.volumeMounts as Json[]).length) delete c.volumeMounts;
}

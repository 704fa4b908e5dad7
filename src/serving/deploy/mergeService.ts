/**
 * Redeploy = merge, never replace. A service that already runs carries things this product did not
 * put there and must not drop: its runtime service account, secrets (env `valueSource.secretKeyRef`,
 * secret volumes), VPC access, other env vars, volumes, sidecars, annotations, labels, the scaling
 * set in the console. The merge starts from the existing template and changes only what this
 * product owns: the serving container's image, args, port, probe and model env vars, the model
 * volume and its mount, our labels, and the resources/scaling/identity the user changed in the
 * confirmation. The confirmation's diff is computed from the merged result, so what is shown is
 * what is sent. Pure: no vscode, no clients.
 */
import { SERVICE_LABELS } from './serviceLabels';
import { PORT } from './serviceSpec';

export type Json = Record<string, any>;

/** Resources and identity the user changed in the confirmation; absent fields are kept as they are. */
export interface UserChanges {
  cpu?: string;
  memory?: string;
  minInstances?: number;
  maxInstances?: number;
  concurrency?: number;
  serviceAccount?: string;
}

export interface FieldChange {
  /** A readable field name: "image (serving)", "env MODEL_VERSION (serving)", "max instances". */
  field: string;
  before?: string;
  after?: string;
}

const OUR_LABELS = new Set<string>(Object.values(SERVICE_LABELS).filter(v => v !== SERVICE_LABELS.managedByValue));
const OUR_ENV = new Set(['MODEL_NAME', 'MODEL_BASE_PATH', 'MODEL_VERSION']);
const OUR_FLAGS = new Set(['--rest_api_port', '--model_name', '--model_base_path', '--enable_batching', '--batching_parameters_file']);
const DEFAULT_SA = /^\d+-compute@developer\.gserviceaccount\.com$/;

/** A deep copy of plain data (protobuf messages decoded by the client become plain objects). */
function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = copy(x);
    return out as T;
  }
  return v;
}

/** The model volume's name in a template: the gcs volume mounted under /models/, else "model". */
function modelVolumeName(t: Json): string | undefined {
  const gcs = new Set(((t.volumes ?? []) as Json[]).filter(v => v?.gcs?.bucket).map(v => v.name as string));
  for (const c of (t.containers ?? []) as Json[]) {
    const m = ((c.volumeMounts ?? []) as Json[]).find(x => gcs.has(x.name) && String(x.mountPath ?? '').startsWith('/models/'));
    if (m) return m.name;
  }
  return gcs.has('model') ? 'model' : undefined;
}

/**
 * Which container serves the model: the one mounting the model volume under /models/, else the
 * one named "serving", else the one that takes requests (only one container may expose a port),
 * else the only one. -1 when none can be told apart (several containers, none of ours).
 */
export function servingContainerIndex(t: Json): number {
  const cs = (t.containers ?? []) as Json[];
  const vol = modelVolumeName(t);
  let i = vol ? cs.findIndex(c => ((c.volumeMounts ?? []) as Json[]).some(m => m.name === vol && String(m.mountPath ?? '').startsWith('/models/'))) : -1;
  if (i < 0) i = cs.findIndex(c => c.name === 'serving');
  if (i < 0) i = cs.findIndex(c => ((c.ports ?? []) as Json[]).some(p => p?.containerPort));
  if (i < 0 && cs.length === 1) i = 0;
  return i;
}

function mergeLabels(existing: Record<string, string> | undefined, ours: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(existing ?? {})) if (!OUR_LABELS.has(k)) out[k] = v;
  return { ...out, ...(ours ?? {}) };
}

function flagName(a: string): string {
  return a.split('=')[0];
}

/**
 * The update body: the existing service (etag included, so a change made since it was read is
 * refused rather than overwritten) with our labels and the merged template.
 */
export function mergeService(existing: Json, desired: Json, changes: UserChanges = {}): Json {
  return { ...copy(existing), labels: mergeLabels(existing.labels, desired.labels), template: mergeTemplate(existing.template ?? {}, desired.template, changes) };
}

export function mergeTemplate(existingTemplate: Json, desiredTemplate: Json, changes: UserChanges = {}): Json {
  const t = copy(existingTemplate);
  const d = desiredTemplate;
  const ours = (d.containers as Json[])[0];
  // A pinned revision name would collide with the revision it named: Cloud Run names the new one.
  delete t.revision;
  t.labels = mergeLabels(t.labels, d.labels);
  // Cloud Storage volumes need the second generation environment.
  t.executionEnvironment = d.executionEnvironment;

  const oldVolume = modelVolumeName(t);
  const volumeName: string = (d.volumes as Json[])[0].name;
  const containers: Json[] = t.containers ?? [];
  const idx = servingContainerIndex(t);
  const c: Json = idx >= 0 ? containers[idx] : { name: ours.name };
  if (idx < 0) containers.unshift(c);
  if (!c.name) c.name = ours.name;
  c.image = ours.image;
  const userArgs = ((c.args ?? []) as string[]).filter(a => !OUR_FLAGS.has(flagName(a)));
  const args = [...(ours.args ?? []), ...userArgs];
  if (args.length) c.args = args; else delete c.args;
  if (!((c.ports ?? []) as Json[]).some(p => p?.containerPort === PORT)) c.ports = copy(ours.ports);
  const env: Json[] = ((c.env ?? []) as Json[]).map(e => {
    if (!OUR_ENV.has(e.name)) return e;
    const mine = (ours.env as Json[]).find(x => x.name === e.name)!;
    return { name: e.name, value: mine.value };
  });
  for (const e of ours.env as Json[]) if (!env.some(x => x.name === e.name)) env.push(copy(e));
  c.env = env;
  c.resources = copy(c.resources ?? copy(ours.resources));
  c.resources.limits = { ...(c.resources.limits ?? {}) };
  if (changes.cpu !== undefined) c.resources.limits.cpu = changes.cpu;
  if (changes.memory !== undefined) c.resources.limits.memory = changes.memory;
  c.startupProbe = copy(ours.startupProbe);
  const mounts = ((c.volumeMounts ?? []) as Json[]).filter(m => m.name !== oldVolume && m.name !== volumeName);
  c.volumeMounts = [...copy(ours.volumeMounts as Json[]), ...mounts];
  t.containers = containers;

  const volumes = ((t.volumes ?? []) as Json[]).filter(v => v.name !== oldVolume && v.name !== volumeName);
  t.volumes = [...copy(d.volumes as Json[]), ...volumes];

  if (changes.minInstances !== undefined || changes.maxInstances !== undefined) {
    t.scaling = { ...(t.scaling ?? {}) };
    if (changes.minInstances !== undefined) t.scaling.minInstanceCount = changes.minInstances;
    if (changes.maxInstances !== undefined) t.scaling.maxInstanceCount = changes.maxInstances;
  }
  if (changes.concurrency !== undefined) t.maxInstanceRequestConcurrency = changes.concurrency;
  if (changes.serviceAccount !== undefined) t.serviceAccount = changes.serviceAccount;
  return t;
}

// ---- the diff the confirmation shows ----

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Leaves by path; lists of named things (containers, env, volumes, mounts) keyed by name. */
function flatten(v: unknown, path: string, out: Map<string, string>): void {
  if (isEmpty(v)) return;
  if (Array.isArray(v)) {
    if (v.every(x => x === null || typeof x !== 'object')) { out.set(path, v.join(' ')); return; }
    v.forEach((x, i) => {
      const named = Boolean((x as Json)?.name);
      // A named item's name is in its key: "env[MODEL_VERSION].value", not also ".name".
      flatten(named ? { ...(x as Json), name: undefined } : x, `${path}[${named ? (x as Json).name : i}]`, out);
    });
    return;
  }
  if (typeof v === 'object' && !(v instanceof Uint8Array)) {
    const o = v as Json;
    // A Duration as the client decodes it ({seconds, nanos}) reads as "300s".
    if ('seconds' in o && Object.keys(o).every(k => k === 'seconds' || k === 'nanos')) { out.set(path, `${o.seconds}s`); return; }
    for (const [k, x] of Object.entries(o)) {
      // The client names a oneof's set field beside it (`values: "value"`, `volumeType: "gcs"`): not data.
      if (typeof x === 'string' && x !== k && x in o && o[x] !== undefined) continue;
      flatten(x, path ? `${path}.${k}` : k, out);
    }
    return;
  }
  out.set(path, String(v));
}

const WORDS: Array<[RegExp, string]> = [
  [/^scaling\.minInstanceCount$/, 'min instances'],
  [/^scaling\.maxInstanceCount$/, 'max instances'],
  [/^maxInstanceRequestConcurrency$/, 'concurrency (requests per instance)'],
  [/^serviceAccount$/, 'service account'],
  [/^executionEnvironment$/, 'execution environment'],
  [/^revision$/, 'revision name'],
  [/^labels\.(.+)$/, 'label $1'],
  [/^serviceLabels\.(.+)$/, 'service label $1'],
  [/^containers\[([^\]]+)\]\.env\[([^\]]+)\]\.value$/, 'env $2 ($1)'],
  [/^containers\[([^\]]+)\]\.resources\.limits\.cpu$/, 'CPU ($1)'],
  [/^containers\[([^\]]+)\]\.resources\.limits\.memory$/, 'memory ($1)'],
  [/^containers\[([^\]]+)\]\.volumeMounts\[([^\]]+)\]\.mountPath$/, 'mount of volume $2 ($1)'],
  [/^containers\[([^\]]+)\]\.(.+)$/, '$2 ($1)'],
  [/^volumes\[([^\]]+)\]\.(.+)$/, 'volume $1: $2'],
];

function words(path: string): string {
  for (const [re, w] of WORDS) if (re.test(path)) return path.replace(re, w);
  return path;
}

/**
 * What a deploy changes, field by field: the existing service (labels + template) against the
 * merged one. Unchanged fields are not listed; a new service lists nothing (its plan is shown).
 */
export function diffService(existing: Json, merged: Json): FieldChange[] {
  const side = (s: Json) => {
    const m = new Map<string, string>();
    flatten(s.template ?? {}, '', m);
    flatten(s.labels ?? {}, 'serviceLabels', m);
    return m;
  };
  const a = side(existing);
  const b = side(merged);
  const keys = [...new Set([...b.keys(), ...a.keys()])];
  const out: FieldChange[] = [];
  for (const k of keys) {
    if (a.get(k) === b.get(k)) continue;
    out.push({ field: words(k), before: a.get(k), after: b.get(k) });
  }
  // The image first: it is what a redeploy is about.
  return out.sort((x, y) => Number(y.field.startsWith('image')) - Number(x.field.startsWith('image')));
}

export function isDefaultComputeAccount(sa: string | undefined): boolean {
  return !sa || DEFAULT_SA.test(sa);
}

/** What a redeploy keeps that this product does not own, in a few words each. */
export function keptSummary(template: Json): string[] {
  const out: string[] = [];
  const sa: string | undefined = template.serviceAccount || undefined;
  if (sa && !isDefaultComputeAccount(sa)) out.push(`service account ${sa}`);
  const idx = servingContainerIndex(template);
  const containers = (template.containers ?? []) as Json[];
  const secrets: string[] = [];
  const plain: string[] = [];
  containers.forEach((c, i) => {
    for (const e of (c.env ?? []) as Json[]) {
      const ref = e.valueSource?.secretKeyRef;
      if (ref?.secret) secrets.push(`env ${e.name} (${ref.secret})`);
      else if (i !== idx || !OUR_ENV.has(e.name)) plain.push(e.name);
    }
  });
  const ourVolume = modelVolumeName(template);
  const others: string[] = [];
  for (const v of (template.volumes ?? []) as Json[]) {
    if (v.secret?.secret) secrets.push(`volume ${v.name} (${v.secret.secret})`);
    else if (v.name !== ourVolume) others.push(v.name);
  }
  if (secrets.length) out.push(`${secrets.length} secret${secrets.length > 1 ? 's' : ''}: ${secrets.join(', ')}`);
  const vpc = template.vpcAccess;
  if (vpc?.connector) out.push(`VPC connector ${vpc.connector}`);
  else if (vpc?.networkInterfaces?.length) out.push(`VPC network ${vpc.networkInterfaces.map((n: Json) => n.network || n.subnetwork).filter(Boolean).join(', ') || '(direct egress)'}`);
  const sidecars = containers.filter((_, i) => i !== idx).map((c, i) => c.name || `container ${i + 1}`);
  if (sidecars.length) out.push(`sidecar${sidecars.length > 1 ? 's' : ''} ${sidecars.join(', ')}`);
  if (plain.length) out.push(`env ${plain.join(', ')}`);
  if (others.length) out.push(`volume${others.length > 1 ? 's' : ''} ${others.join(', ')}`);
  const annotations = Object.keys(template.annotations ?? {});
  if (annotations.length) out.push(`${annotations.length} annotation${annotations.length > 1 ? 's' : ''}`);
  const labels = Object.keys(template.labels ?? {}).filter(k => !OUR_LABELS.has(k) && k !== SERVICE_LABELS.managedBy);
  if (labels.length) out.push(`label${labels.length > 1 ? 's' : ''} ${labels.join(', ')}`);
  return out;
}

/**
 * Where a revision's serving container finds its model: TF Serving reads
 * `${MODEL_BASE_PATH:-/models}/${MODEL_NAME:-model}/<version>/saved_model.pb`, and the model gets
 * there through a Cloud Storage volume (`volumes[].gcs {bucket, mountOptions: ["only-dir=PATH"]}`
 * mounted at `volumeMounts[].mountPath`). This maps that path back to the emulator's GCS folder.
 */
import * as path from 'node:path';
import { ingressContainer } from './store';

export interface ModelLocation {
  modelName: string;
  /** Path inside the container, e.g. `/models/retrieval`. */
  containerPath: string;
  /** Folder on disk behind it, or undefined when no volume covers the path. */
  localDir?: string;
  /** `gs://bucket/dir` behind it, for messages. */
  gcsUri?: string;
  /**
   * Volumes mounted one level below the base path (`/models/NAME/<version>`): each mount point is a
   * version folder TF Serving lists, backed by the mounted GCS folder.
   */
  versionMounts?: Record<string, { localDir: string; gcsUri: string }>;
}

const flag = (args: string[], name: string) => {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    if (a === `--${name}` && i + 1 < args.length) return args[i + 1];
  }
  return undefined;
};

export function locateModel(template: any, gcsRoot: string): ModelLocation {
  const c = ingressContainer(template);
  const env = new Map<string, string>((c.env ?? []).filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
  const args: string[] = [...(c.command ?? []), ...(c.args ?? [])];
  const modelName = flag(args, 'model_name') ?? env.get('MODEL_NAME') ?? 'model';
  const containerPath = flag(args, 'model_base_path') ?? path.posix.join(env.get('MODEL_BASE_PATH') ?? '/models', modelName);
  const volumes = new Map<string, any>((template.volumes ?? []).map((v: any) => [v.name, v]));
  const mounts = (c.volumeMounts ?? [])
    .filter((m: any) => containerPath === m.mountPath || containerPath.startsWith(m.mountPath.replace(/\/$/, '') + '/'))
    .sort((a: any, b: any) => b.mountPath.length - a.mountPath.length);
  const onlyDirOf = (gcs: any): string => (gcs.mountOptions ?? []).map((o: string) => /^only-dir=(.*)$/.exec(o)?.[1]).find((x: string | undefined) => x !== undefined) ?? '';
  const versionMounts: Record<string, { localDir: string; gcsUri: string }> = {};
  for (const m of c.volumeMounts ?? []) {
    const rel = path.posix.relative(containerPath, m.mountPath.replace(/\/$/, ''));
    const gcs = volumes.get(m.name)?.gcs;
    if (!gcs?.bucket || !/^\d+$/.test(rel)) continue;
    const dir = onlyDirOf(gcs).replace(/^\/+|\/+$/g, '');
    versionMounts[rel] = { localDir: path.join(gcsRoot, gcs.bucket, ...dir.split('/').filter(Boolean)), gcsUri: `gs://${gcs.bucket}/${dir}` };
  }
  for (const m of mounts) {
    const gcs = volumes.get(m.name)?.gcs;
    if (!gcs?.bucket) continue;
    const onlyDir = onlyDirOf(gcs);
    const rest = path.posix.relative(m.mountPath, containerPath);
    const objectDir = path.posix.join(onlyDir, rest).replace(/^\/+|\/+$/g, '').replace(/^\.$/, '');
    return {
      modelName, containerPath,
      localDir: path.join(gcsRoot, gcs.bucket, ...objectDir.split('/').filter(Boolean)),
      gcsUri: `gs://${gcs.bucket}/${objectDir}`,
    };
  }
  return { modelName, containerPath, ...(Object.keys(versionMounts).length ? { versionMounts } : {}) };
}

/** Does this container serve a model (a model mount or MODEL_NAME), or is it some other app? */
export function servesModel(template: any): boolean {
  const c = ingressContainer(template);
  if (isNativeTfServing(c.image ?? '')) return true;
  if ((c.env ?? []).some((e: any) => e.name === 'MODEL_NAME')) return true;
  return (c.volumeMounts ?? []).some((m: any) => (template.volumes ?? []).some((v: any) => v.name === m.name && v.gcs));
}

export function isNativeTfServing(image: string): boolean {
  return /tf-serving-native|tensorflow\/serving/.test(image);
}

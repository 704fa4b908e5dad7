import type { ContainerKind } from '../routing/chooseContainer';

/** POSIX shell single quotes: the path and values pass through unchanged. */
function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The Cloud Build command that builds and pushes a serving image into the project's
 * `REGION-docker.pkg.dev/PROJECT/ml-serving` repository (deploy/README.md), with the build folder
 * that ships inside the extension.
 */
export function buildImageCommand(o: { container: ContainerKind; project: string; region: string; deployDir: string }): string {
  const folder = `${o.deployDir.replace(/\/+$/, '')}/${o.container === 'native' ? 'tf_serving_native' : 'tf_serving_python'}`;
  return [
    'gcloud builds submit', quote(folder),
    `--project=${quote(o.project)}`,
    `--config=${quote(`${folder}/cloudbuild.yaml`)}`,
    `--substitutions=_REGION=${quote(o.region)}`,
  ].join(' ');
}

/** The serving images, by container kind. Defaults live in the project's Artifact Registry. */
import type { ContainerKind } from './routing/chooseContainer';

export function defaultImage(kind: ContainerKind, project: string, region: string): string {
  const repo = `${region}-docker.pkg.dev/${project}/ml-serving`;
  return kind === 'native' ? `${repo}/tf-serving-native:2.19.0` : `${repo}/tf-serving-python:tf2.15-scann1.3.0`;
}

export function imageFor(kind: ContainerKind, settings: { nativeImage: string; pythonImage: string }, project: string, region: string): string {
  const configured = kind === 'native' ? settings.nativeImage : settings.pythonImage;
  return configured || defaultImage(kind, project, region);
}

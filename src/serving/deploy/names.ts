/**
 * Cloud Run service names: lowercase letters, digits and hyphens, start with a letter, no trailing
 * hyphen, at most 49 characters (Cloud Run appends revision suffixes up to 63).
 */
export const MAX_SERVICE_NAME = 49;

export function serviceNameProblem(name: string): string | undefined {
  if (!name) return 'a service name cannot be empty';
  if (name.length > MAX_SERVICE_NAME) return `a service name has at most ${MAX_SERVICE_NAME} characters (this one has ${name.length})`;
  if (!/^[a-z]/.test(name)) return 'a service name starts with a lowercase letter';
  if (!/^[a-z0-9-]+$/.test(name)) return 'a service name holds only lowercase letters, digits and hyphens';
  if (name.endsWith('-')) return 'a service name cannot end with a hyphen';
  return undefined;
}

/** A valid service name derived from a model's display name (and version). */
export function deriveServiceName(modelName: string, version?: string): string {
  let s = modelName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+/g, '-');
  if (!s) s = 'model';
  const suffix = version ? `-v${version.toLowerCase().replace(/[^a-z0-9]+/g, '')}` : '';
  s = s.slice(0, MAX_SERVICE_NAME - suffix.length).replace(/-+$/, '') + suffix;
  return s.replace(/-+$/, '');
}

/** TF Serving's MODEL_NAME (URL path /v1/models/NAME): keep it simple and URL-safe. */
export function deriveModelName(displayName: string): string {
  const s = displayName.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return s || 'model';
}

/**
 * A reference to a Cloud Run service passed by another command (not a tree node): a resource name,
 * `{service: name}` (what the deploy notification and the logs commands pass), or
 * `{name, region, project}` with a bare service id. No vscode import: unit-tested.
 */
import { PROJECT_ID, REGION, SERVICE_ID, SERVICE_NAME, serviceName } from '../../serving/resourceNames';

/** The full resource name, or undefined when `v` is no valid reference. */
export function parseServiceRef(v: unknown): string | undefined {
  if (typeof v === 'string') return SERVICE_NAME.test(v) ? v : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.service === 'string') return parseServiceRef(o.service);
  if (typeof o.name === 'string') {
    if (SERVICE_NAME.test(o.name)) return o.name;
    const { region, project } = o;
    if (SERVICE_ID.test(o.name) && typeof region === 'string' && REGION.test(region) && typeof project === 'string' && PROJECT_ID.test(project)) {
      return serviceName(project, region, o.name);
    }
  }
  return undefined;
}

import type { ServiceLogChannels } from '../outputChannels';
import { resolveEndpointTarget } from '../pickTarget';

/**
 * "Tail Endpoint Logs": follow a Vertex AI endpoint (or one deployed model) in an output channel,
 * through the same shared tail as a service. Returns the tail's name.
 */
export function tailEndpointLogs(channels: ServiceLogChannels) {
  return async (arg?: unknown): Promise<string> => {
    const target = resolveEndpointTarget(arg);
    channels.start(target);
    return target.service;
  };
}

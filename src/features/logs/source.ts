/**
 * The tail session's view of Cloud Logging. The adapter over the official client lives in
 * src/gcp/logs.ts (reached through CloudApis.logs); only the types are re-exported here.
 */
export type { LogSource, TailResponse, TailStream } from '../../gcp/logs';

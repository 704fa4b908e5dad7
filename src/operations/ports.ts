/**
 * What the vscode-free operations need of Google Cloud: the parts of `CloudApis` (src/gcp/apis.ts)
 * they call, picked from its own types so they cannot drift, and the session's CloudApis, the
 * CLI's and the unit tests' in-memory fake all fit. Operations never see the official clients.
 */
import type { CloudApis, ModelInspectorApi, RunWriteApi, StorageApi } from '../gcp/apis';
import type { RunApi } from '../gcp/types';

export type { ApiJson as Json } from '../serving/json';

/** Cloud Run writes, and the one read a (re)deploy starts from (`read`, not the raw `getRaw`). */
export type RunWritePort = Pick<RunWriteApi, 'read' | 'create' | 'update' | 'setTraffic' | 'remove' | 'setPublic' | 'isPublic' | 'missingPermissions'>;

export type RunReadPort = Pick<RunApi, 'getService' | 'listRevisions'>;

export interface OperationApis {
  readonly project: CloudApis['project'];
  readonly run: RunReadPort;
  readonly runWrite: RunWritePort;
  readonly models: ModelInspectorApi;
  readonly storage: Pick<StorageApi, 'exists'>;
  readonly logs: Pick<CloudApis['logs'], 'list'>;
}

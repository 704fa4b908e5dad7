/** The one connection of the cloud commands: the emulator (MLSERVING_EMULATOR) or Google with ADC, and the project. */
import { buildCloudApis, type CloudApis } from '../gcp/apis';
import { gcloudProject } from '../gcp/connection';
import type { CliIo } from './io';
import { connectionFromEnv } from './modelSource';
import { UsageError } from './usageError';

/** Cannot connect or sign in (exit code 3). */
export class ConnectError extends Error {}

/** Connects, checks the credentials, and says where on stderr. The caller disposes the apis. */
export async function connect(io: CliIo, cmd: { command: string; project?: string; regions: string[] }): Promise<CloudApis> {
  const connection = await connectionFromEnv(io.env).catch(e => {
    if (e instanceof UsageError) throw e;
    throw new ConnectError((e as Error).message);
  });
  const project = cmd.project ?? io.env.GOOGLE_CLOUD_PROJECT ?? io.env.CLOUDSDK_CORE_PROJECT ?? (connection.kind === 'google' ? await gcloudProject() : undefined);
  if (!project) throw new UsageError('--project: required (no GOOGLE_CLOUD_PROJECT and no gcloud default project)');
  const apis = buildCloudApis(connection, project);
  if (connection.kind === 'google') {
    await apis.checkCredentials().catch(async e => {
      await apis.dispose();
      throw new ConnectError(`not signed in to Google Cloud (${(e as Error).message}); run "gcloud auth application-default login", or set GOOGLE_APPLICATION_CREDENTIALS`);
    });
  }
  io.stderr(`ml-serving: ${cmd.command} in ${project} (${cmd.regions.join(', ')}) via ${connection.kind === 'emulator' ? 'the emulator' : 'Google Cloud'}\n`);
  return apis;
}

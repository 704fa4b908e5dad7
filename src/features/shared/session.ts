import * as vscode from 'vscode';
import { buildCloudApis, type CloudApis } from '../../gcp/apis';
import { fetchEmulatorEndpoints, gcloudProject } from '../../gcp/connection';
import type { Connection } from '../../gcp/endpoints';
import type { RunApi, VertexApi } from '../../gcp/types';
import { ContextKeys, type AuthState } from '../../common/contextValues';
import { UserError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { affectsSettings, readSettings } from '../../common/settings';
import type { Settings } from '../../common/settingsSchema';
import { CommandIds } from '../../serving/commandIds';

/** What a feature needs to call Google Cloud: built once per project/connection, rebuilt on change. */
export interface CloudContext {
  project: string;
  regions: string[];
  connection: Connection;
  /** Every Google API a feature may call (src/gcp/apis.ts). */
  apis: CloudApis;
  /** Same as `apis.vertex`. */
  vertex: VertexApi;
  /** Same as `apis.run`. */
  run: RunApi;
}

export class NoProjectError extends UserError {
  constructor() {
    super('No Google Cloud project is selected.', 'Run "ML Serving: Select Project" or set mlServing.project.', [{ title: 'Select Project', command: CommandIds.selectProject }]);
  }
}

export class SignedOutError extends UserError {
  constructor(detail: string) {
    super(`Not signed in to Google Cloud (${detail}).`, 'Run "gcloud auth application-default login" in a terminal, then retry.', [{ title: 'Sign In', command: CommandIds.signIn }]);
  }
}

/** The settings the clients are built from: only a change of these rebuilds them. */
function connectionOf(s: Settings): string {
  return JSON.stringify([s.project, s.regions, s.emulator]);
}

/** Settings the trees read when they load: a change reloads them, on the same clients. */
function viewOf(s: Settings): string {
  return JSON.stringify([s.showAllServices, s.runsPageSize]);
}

/**
 * Settings, connection, project and clients, with one change event. Nothing here does I/O at
 * construction: the first feature that needs the cloud resolves it.
 */
export class Session implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private current?: Promise<CloudContext>;
  private built?: CloudContext;
  private settingsValue: Settings;
  private reported = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private gcloudProjectValue?: Promise<string | undefined>;

  /**
   * @param idle resolves when no operation started on the current clients is still running
   *   (Operations.whenIdle): clients are closed only then, so a settings change never cuts a deploy.
   */
  constructor(private readonly logger: Logger, private readonly idle: () => Promise<void> = async () => undefined) {
    this.settingsValue = this.readAndReport();
    this.disposables.push(this.changed, vscode.workspace.onDidChangeConfiguration(e => {
      if (!affectsSettings(e)) return;
      const before = this.settingsValue;
      this.settingsValue = this.readAndReport();
      // VS Code reports a section as changed when its file is rewritten, even with the same values.
      if (connectionOf(before) !== connectionOf(this.settingsValue)) void this.reset();
      else if (viewOf(before) !== viewOf(this.settingsValue)) this.changed.fire();
    }));
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  get usesEmulator(): boolean {
    return Boolean(this.settingsValue.emulator);
  }

  private readAndReport(): Settings {
    const { settings, problems } = readSettings();
    for (const p of problems) {
      if (this.reported.has(p)) continue;
      this.reported.add(p);
      this.logger.warn(`settings: ${p}`);
      void vscode.window.showWarningMessage(`ML Serving settings: ${p}. Using the default instead.`);
    }
    void vscode.commands.executeCommand('setContext', ContextKeys.emulator, Boolean(settings.emulator));
    void vscode.commands.executeCommand('setContext', ContextKeys.showAllServices, settings.showAllServices);
    return settings;
  }

  /** The project in use: the setting, else gcloud's active project (looked up once). */
  async projectId(): Promise<string | undefined> {
    if (this.settingsValue.project) return this.settingsValue.project;
    if (this.usesEmulator) return undefined;
    this.gcloudProjectValue ??= gcloudProject();
    return this.gcloudProjectValue;
  }

  /** Sets the welcome-view context keys without failing. */
  async refreshContextKeys(): Promise<void> {
    const project = await this.projectId();
    await vscode.commands.executeCommand('setContext', ContextKeys.projectSelected, Boolean(project));
  }

  async setAuthState(state: AuthState): Promise<void> {
    await vscode.commands.executeCommand('setContext', ContextKeys.authState, state);
  }

  /** The cloud context, or a UserError saying what is missing (no project, not signed in). */
  cloud(): Promise<CloudContext> {
    this.current ??= this.build().catch(e => {
      this.current = undefined;
      throw e;
    });
    return this.current;
  }

  private async build(): Promise<CloudContext> {
    const s = this.settingsValue;
    const project = await this.projectId();
    await vscode.commands.executeCommand('setContext', ContextKeys.projectSelected, Boolean(project));
    if (!project) throw new NoProjectError();
    let connection: Connection;
    if (s.emulator) {
      try {
        connection = await fetchEmulatorEndpoints(s.emulator);
      } catch (e) {
        throw new UserError((e as Error).message);
      }
      await this.setAuthState('signedIn');
    } else {
      connection = { kind: 'google' };
    }
    const apis = buildCloudApis(connection, project, { log: line => this.logger.info(line) });
    if (connection.kind === 'google') {
      try {
        await apis.checkCredentials();
        await this.setAuthState('signedIn');
      } catch (e) {
        await this.setAuthState('signedOut');
        throw new SignedOutError((e as Error).message);
      }
    }
    this.logger.info(`session: project ${project}, regions ${s.regions.join(',')}, ${connection.kind === 'emulator' ? `emulator ${s.emulator}` : 'Google Cloud'}`);
    const ctx: CloudContext = { project, regions: s.regions, connection, apis, vertex: apis.vertex, run: apis.run };
    this.built = ctx;
    return ctx;
  }

  /**
   * Drops clients and cached lookups; listeners reload. The old clients are closed once the
   * operations running on them finish (a deploy in flight completes on the clients it started with).
   */
  async reset(): Promise<void> {
    const old = this.built;
    this.current = undefined;
    this.built = undefined;
    this.gcloudProjectValue = undefined;
    await this.refreshContextKeys();
    this.changed.fire();
    if (!old) return;
    await this.idle();
    await old.apis.dispose();
  }

  dispose(): void {
    void this.built?.apis.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

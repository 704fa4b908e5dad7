/**
 * "Generate Warm-up Requests": the workspace's saved Test Prediction payloads become
 * `<version>/assets.extra/tf_serving_warmup_requests` (TF Serving's TFRecord of PredictionLog),
 * written to Cloud Storage after a modal confirmation naming the object. From a model version
 * (Models view), a gs:// model folder, or the palette (asks for the folder).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Session } from '../../shared/session';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import { unattendedAllowed } from '../../../common/unattended';
import { parseGcsUri } from '../../../gcp/storageSource';
import { DEFAULT_SIGNATURE } from '../../../serving/savedModel/types';
import { buildWarmupFile, MAX_WARMUP_RECORDS, WARMUP_FILE, type PayloadLike, type SignatureInputs } from '../../../serving/warmup/fromPayloads';
import { fileStore, REQUESTS_FILE, stateStore, type JsonStore } from '../../shared/payloadStore';

export interface WarmupResult {
  uri: string;
  records: number;
  skipped: Array<{ name: string; reason: string }>;
}

interface Options {
  /** Payload names to use (tests, scripts); default: pick. */
  payloads?: unknown;
  confirmed?: unknown;
}

function modelFolderOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const o = arg as { version?: { artifactUri?: unknown }; uri?: unknown } | undefined;
  if (typeof o?.version?.artifactUri === 'string') return o.version.artifactUri;
  if (typeof o?.uri === 'string') return o.uri;
  return undefined;
}

export function workspacePayloadStore(context: vscode.ExtensionContext): JsonStore {
  const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
  return folder ? fileStore(path.join(folder.uri.fsPath, REQUESTS_FILE)) : stateStore(context.workspaceState);
}

export function generateWarmup(session: Session, context: vscode.ExtensionContext) {
  return async (arg?: unknown, opts: Options = {}): Promise<WarmupResult> => {
    let folder = modelFolderOf(arg);
    if (arg !== undefined && folder === undefined) throw new ValidationError('model', 'run this from a model version in the Models view, or pass a gs:// model folder');
    if (folder === undefined) {
      folder = await vscode.window.showInputBox({ title: 'Generate Warm-up Requests', prompt: 'The model folder in Cloud Storage (holding the numbered version folders)', placeHolder: 'gs://bucket/models/my-model', ignoreFocusOut: true });
      if (!folder) throw new CancelledError();
    }
    try {
      parseGcsUri(folder);
    } catch (e) {
      throw new ValidationError('model folder', (e as Error).message);
    }
    const cloud = await session.cloud();
    const inspection = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the model at ${folder}` }, () => cloud.apis.models.inspect(folder!));
    if (!inspection.modelDir || inspection.errors.length) {
      throw new UserError(`${folder} is not a SavedModel TF Serving can load: ${inspection.errors.join('; ') || 'no saved_model.pb'}`);
    }
    const signatures: SignatureInputs = {};
    for (const [k, s] of Object.entries(inspection.signatures)) signatures[k] = Object.fromEntries(Object.entries(s.inputs).map(([n, t]) => [n, { dtype: t.dtype }]));

    // Every saved payload in the workspace (any service) whose signature the model has.
    const store = workspacePayloadStore(context);
    const all: PayloadLike[] = [];
    const seen = new Set<string>();
    for (const list of Object.values(store.read().services)) {
      for (const p of list) {
        const key = `${p.name}\0${p.signature}\0${p.body}`;
        if (!seen.has(key) && (p.signature || DEFAULT_SIGNATURE) in signatures) {
          seen.add(key);
          all.push(p);
        }
      }
    }
    if (!all.length) {
      throw new UserError(`No saved payload in ${store.where} calls a signature of this model (${Object.keys(signatures).join(', ')}).`, 'Save payloads from Test Prediction first (Save in the request editor).');
    }
    let chosen: PayloadLike[];
    if (opts.payloads !== undefined) {
      if (!Array.isArray(opts.payloads) || opts.payloads.some(n => typeof n !== 'string')) throw new ValidationError('payloads', 'expected a list of payload names');
      const names = opts.payloads as string[];
      const missing = names.filter(n => !all.some(p => p.name === n));
      if (missing.length) throw new ValidationError('payloads', `no saved payload named ${missing.map(n => JSON.stringify(n)).join(', ')} fits this model`);
      chosen = all.filter(p => names.includes(p.name));
    } else {
      const picked = await vscode.window.showQuickPick(all.map(p => ({ label: p.name, description: p.signature || DEFAULT_SIGNATURE, picked: true, p })), {
        title: `Warm-up requests for ${inspection.modelDir} (at most ${MAX_WARMUP_RECORDS})`, canPickMany: true, ignoreFocusOut: true,
      });
      if (!picked?.length) throw new CancelledError();
      chosen = picked.map(i => i.p);
    }
    const modelName = path.posix.basename(parseGcsUri(folder).key || parseGcsUri(folder).bucket);
    const file = buildWarmupFile(chosen, modelName, signatures);
    const skippedText = file.skipped.map(s => `${s.reason}`).join('\n');
    if (!file.records) throw new UserError(`None of the payloads can be a warm-up request:\n${skippedText}`);
    const target = `${inspection.modelDir.replace(/\/+$/, '')}/${WARMUP_FILE}`;
    const exists = await cloud.apis.storage.exists(target);
    if (!(opts.confirmed === true && unattendedAllowed())) {
      const ok = await vscode.window.showWarningMessage(`${exists ? 'Replace' : 'Write'} ${target} with ${file.records} warm-up request${file.records === 1 ? '' : 's'}?`, {
        modal: true,
        detail: `TF Serving replays them when it loads version ${inspection.version ?? path.posix.basename(inspection.modelDir)}, before it reports ready; revisions serving this folder do so at their next cold start, and a request that fails there stops the model from loading.`
          + (file.skipped.length ? `\n\nLeft out:\n${skippedText}` : ''),
      }, exists ? 'Replace' : 'Write');
      if (!ok) throw new CancelledError();
    }
    await cloud.apis.storage.write(target, file.bytes);
    void vscode.window.showInformationMessage(`Wrote ${file.records} warm-up request${file.records === 1 ? '' : 's'} to ${target}${file.skipped.length ? ` (${file.skipped.length} left out)` : ''}.`);
    return { uri: target, records: file.records, skipped: file.skipped };
  };
}

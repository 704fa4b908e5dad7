import * as vscode from 'vscode';
import { CancelledError, UserError, ValidationError } from '../../../common/errors';
import type { Session } from '../../shared/session';
import type { ModelVersion, TrainingRun } from '../../../serving/domain';
import { existingModelDescription } from '../present/modelView';
import { imageFor } from '../../../serving/images';
import { defaultModelName, registrationLabels } from '../../../serving/registration';
import { pushedDestination, pushedModelOf } from '../../../serving/vertex/artifacts';
import type { ModelsTree } from '../modelsTree';
import type { Node } from '../node';
import type { RunsTree } from '../runsTree';
import { targetIn } from '../../shared/targets';

/**
 * Register a run's pushed model in the Model Registry: as a new model or a new version of one,
 * with labels from the run and the serving container the routing picks.
 */
export function registerModel(session: Session, runs: RunsTree, models: ModelsTree) {
  return async (node?: Node, rawAnswers?: unknown): Promise<ModelVersion> => {
    const answers = parseRegisterAnswers(rawAnswers);
    const cloud = await session.cloud();
    const clicked = targetIn(node, 'run', 'artifact');
    let run = clicked ? clicked.run : await pickRun(session);
    if (run.state !== 'succeeded') throw new ValidationError('run', `"${run.displayName}" has not succeeded (${run.rawState}); only a finished run's model can be registered`);
    if (run.kind === 'pipeline' && !run.artifacts.length) run = await cloud.vertex.getPipelineRun(run.name);
    const artifact = clicked?.kind === 'artifact' ? clicked.artifact : pushedModelOf(run.artifacts);
    if (!artifact) throw new UserError(`"${run.displayName}" has no pushed model.`, 'A TFX run needs a Pusher task; a custom job writes its model to <baseOutputDirectory>/model.');
    const uri = pushedDestination(artifact);

    const labels = registrationLabels(run);
    const inspection = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading the model at ${uri}…` }, () => cloud.apis.models.inspect(uri, { labels }));
    if (inspection.container === 'none') throw new UserError(`The model at ${uri} cannot be served: ${inspection.errors.join('; ')}`);

    let displayName = answers.displayName ?? '';
    let parentModel = answers.parentModel;
    if (answers.parentModel === undefined && answers.displayName === undefined) {
      const existing = await cloud.vertex.listModels(run.region, { pageSize: 100 });
      const NEW = '$(add) New model';
      const pick = await vscode.window.showQuickPick(
        [{ label: NEW, description: defaultModelName(run) }, ...existing.items.map(m => ({ label: m.displayName, description: existingModelDescription(m), name: m.name }))],
        { title: 'Register in Model Registry', placeHolder: 'A new model, or a new version of an existing one', matchOnDescription: true },
      );
      if (!pick) throw new CancelledError();
      displayName = 'name' in pick ? pick.label : '';
      parentModel = 'name' in pick ? (pick.name as string) : undefined;
    }
    if (parentModel && !displayName) {
      // A new version keeps its model's display name (never the numeric id).
      const existing = await cloud.vertex.listModels(run.region, { pageSize: 100 });
      displayName = existing.items.find(m => m.name === parentModel)?.displayName ?? '';
      if (!displayName) throw new ValidationError('options.parentModel', `no model ${parentModel} in ${run.region}`);
    }
    if (!parentModel && !displayName) {
      const name = await vscode.window.showInputBox({
        title: 'Model display name', value: defaultModelName(run),
        validateInput: v => (!v.trim() ? 'displayName: cannot be empty' : v.length > 128 ? 'displayName: at most 128 characters' : undefined),
      });
      if (!name) throw new CancelledError();
      displayName = name.trim();
    }
    const containerImage = imageFor(inspection.container, session.settings, cloud.project, run.region);

    const version = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Registering ${displayName}`, cancellable: true },
      async (progress, token) => {
        progress.report({ message: `${parentModel ? 'new version' : 'new model'}, ${inspection.container} container` });
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        return cloud.vertex.uploadModel(run.region, {
          displayName, artifactUri: uri, labels, containerImage, parentModel,
          description: `Registered by ML Serving from ${run.kind === 'pipeline' ? 'pipeline run' : 'custom job'} ${run.id}`,
        }, ac.signal);
      },
    );
    models.invalidate();
    runs.invalidateRun(run.name, { name: `${version.modelName}@${version.versionId}`, displayName: version.displayName, versionId: version.versionId });
    void vscode.window.showInformationMessage(`Registered ${version.displayName} v${version.versionId} (${inspection.container} container: ${inspection.reasons[0] ?? ''})`);
    return version;
  };
}

async function pickRun(session: Session): Promise<TrainingRun> {
  const cloud = await session.cloud();
  const lists = await Promise.all(cloud.regions.map(r => cloud.vertex.listPipelineRuns(r, { pageSize: 50, filter: 'state="PIPELINE_STATE_SUCCEEDED"' })));
  const runs = lists.flatMap(l => l.items);
  if (!runs.length) throw new UserError('No succeeded pipeline runs to register.', `Regions searched: ${cloud.regions.join(', ')}.`);
  const pick = await vscode.window.showQuickPick(runs.map(r => ({ label: r.displayName, description: `${r.region} · ${r.createTime?.toISOString() ?? ''}`, run: r })), { title: 'Register a run\'s model', placeHolder: 'Pick a succeeded training run' });
  if (!pick) throw new CancelledError();
  return pick.run;
}

/** Answers given up front (tests, automation): `{displayName}` for a new model or `{parentModel}` for a new version. */
export function parseRegisterAnswers(raw: unknown): { displayName?: string; parentModel?: string } {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('options', 'expected an object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'displayName' && k !== 'parentModel') throw new ValidationError(`options.${k}`, 'unknown option');
  if (o.displayName !== undefined && (typeof o.displayName !== 'string' || !o.displayName.trim() || o.displayName.length > 128)) throw new ValidationError('options.displayName', '1 to 128 characters');
  if (o.parentModel !== undefined && (typeof o.parentModel !== 'string' || !/^projects\/[^/]+\/locations\/[^/]+\/models\/[^/@]+$/.test(o.parentModel))) throw new ValidationError('options.parentModel', 'expected projects/P/locations/R/models/ID');
  return { displayName: o.displayName?.toString().trim(), parentModel: o.parentModel as string | undefined };
}


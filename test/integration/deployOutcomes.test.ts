// In-host, against the emulator (issue 16): a redeploy that changes nothing says so and can force a
// revision (item 4); canary, promote, end canary and rollback confirm what moves and keep the
// revision menus (item 11); a failed revision is reported with the cause from its log and the fix
// (item 8); Copy Build Command says it copied (item 16).
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { DEMO_PROJECT, DEMO_REGION, emulatorAdmin, emulatorDelete, emulatorPost, until, useDemoProject, type ExtensionApi } from './support/extension';
import { captureMessages } from './support/messages';

type Service = { name: string; uri?: string; latestReadyRevision?: string; latestCreatedRevision?: string; trafficStatuses: Array<{ type: string; revision?: string; percent: number; tag?: string }> };
type Result = { service: Service; unchanged?: boolean };

const SVC = 'itest-outcome';
const NAME = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}/services/${SVC}`;
const short = (r?: string) => r?.split('/').pop() ?? '';

async function versionsOf(a: ExtensionApi, model: string) {
  a.trees.models.reset();
  const models = await a.trees.models.getChildren();
  const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
  const node = models[items.findIndex(i => i.label === model)];
  assert.ok(node, `model ${model} in the Models tree`);
  return a.trees.models.getChildren(node);
}

/** Revision → percent, as Cloud Run reports it (LATEST resolved). */
async function split(a: ExtensionApi): Promise<Record<string, number>> {
  const s = (await (await a.services.session.cloud()).run.getService(NAME))!;
  const out: Record<string, number> = {};
  for (const t of s.trafficStatuses) if (t.percent > 0) out[short(t.type === 'LATEST' ? s.latestReadyRevision : t.revision)] = t.percent;
  return out;
}

/** The revision rows of the service in the Serving tree, by id. */
async function revisionRows(a: ExtensionApi) {
  a.trees.services.reset();
  const services = await a.trees.services.getChildren();
  const items = await Promise.all(services.map(n => a.trees.services.getTreeItem(n)));
  const node = services[items.findIndex(i => i.label === SVC)];
  assert.ok(node, `${SVC} in the Serving tree`);
  const revisions = await a.trees.services.getChildren(node);
  const rows = await Promise.all(revisions.map(async n => ({ node: n, item: await a.trees.services.getTreeItem(n) })));
  return new Map(rows.map(r => [String(r.item.label), r]));
}

/** The commands package.json shows on a Serving row with this contextValue (`==` and `=~` clauses). */
function menuFor(contextValue: string): string[] {
  const menus = vscode.extensions.getExtension('ml-serving.ml-serving-gcp')!.packageJSON.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
  const matches = (when: string) => when.split('&&').map(x => x.trim()).every(part => {
    if (part === 'view == mlServing.services') return true;
    return part.replace(/^\(|\)$/g, '').split('||').map(x => x.trim()).some(alt => {
      const eq = /^viewItem == (\S+)$/.exec(alt);
      if (eq) return eq[1] === contextValue;
      const re = /^viewItem =~ \/(.*)\/$/.exec(alt);
      if (re) return new RegExp(re[1]).test(contextValue);
      return false;
    });
  });
  return menus.filter(m => matches(m.when)).map(m => m.command);
}

describe('what a deploy and a traffic change tell the user (issue 16)', function () {
  this.timeout(90_000);
  let a: ExtensionApi;
  let r1 = '';
  let r2 = '';

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
  });
  after(async () => {
    if (!emulatorAdmin()) return;
    await emulatorDelete('/faults');
    await vscode.commands.executeCommand('mlServing.undeploy', { service: NAME }, { confirmed: true });
  });

  it('a redeploy that changes nothing says "Nothing changed", not "is serving"; the button makes a new revision (item 4)', async () => {
    const v = await versionsOf(a, 'recsys-ranking');
    const first = (await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: SVC }))!;
    assert.ok(first, 'the first deploy succeeded');
    r1 = short(first.service.latestReadyRevision);
    const messages = captureMessages(m => (m.text.startsWith('Nothing changed') ? 'Deploy New Revision Anyway' : undefined));
    try {
      const again = (await vscode.commands.executeCommand<Result>('mlServing.deploy', v[0], { yes: true, serviceName: SVC }))!;
      assert.ok(again, 'the redeploy returned');
      assert.equal(again.unchanged, true);
      assert.equal(again.service.latestCreatedRevision, first.service.latestCreatedRevision, 'Cloud Run made no revision');
      const told = await messages.waitFor(m => m.level === 'info' && m.text.startsWith('Nothing changed'), 'the nothing-changed message');
      assert.equal(told.text, `Nothing changed: ${SVC} already runs this model with these settings, so Cloud Run made no new revision; ${r1} keeps serving at ${first.service.uri}.`);
      assert.deepEqual(told.actions, ['Deploy New Revision Anyway', 'Copy URL']);
      // The click: a new revision of the same template, then the usual "is serving".
      const served = await messages.waitFor(m => m.level === 'info' && / is serving at .* from a new revision, /.test(m.text), 'the forced revision\'s message');
      r2 = /from a new revision, ([\w-]+)\.$/.exec(served.text)![1];
      assert.notEqual(r2, r1);
      assert.ok(!messages.shown.some(m => m.text === `${SVC} is serving at ${first.service.uri}`), 'the unchanged redeploy never claimed to have deployed');
    } finally {
      messages.restore();
    }
    const cloud = await a.services.session.cloud();
    const revisions = await cloud.run.listRevisions(NAME);
    assert.deepEqual(revisions.map(r => r.id).sort(), [r1, r2].sort());
    assert.ok(revisions.every(r => r.state === 'ready'));
    assert.deepEqual(await split(a), { [r2]: 100 });
  });

  it('canary, promote, end canary and rollback each confirm what traffic moves; the canary row keeps its actions (item 11)', async () => {
    assert.ok(r1 && r2, 'needs the two revisions of the test before');
    let answer: string | undefined;
    const messages = captureMessages(m => (m.modal ? answer : undefined));
    const modal = async (what: string) => {
      const m = await messages.waitFor(x => x.modal === true, what);
      messages.shown.splice(messages.shown.indexOf(m), 1);
      return m;
    };
    try {
      // Canary from the revision's row.
      answer = 'Send Canary Traffic';
      let rows = await revisionRows(a);
      assert.equal(rows.get(r1)!.item.contextValue, 'mlServing.revision.ready');
      assert.equal(rows.get(r2)!.item.contextValue, 'mlServing.revision.ready.serving.all');
      await vscode.commands.executeCommand('mlServing.canary', rows.get(r1)!.node, { percent: 10 });
      const c = await modal('the canary confirmation');
      assert.equal(c.text, `Send 10% of ${SVC}'s traffic to ${r1}?`);
      assert.match(c.detail!, new RegExp(`^Traffic of ${SVC}: latest \\(${r2}\\) 100% → 90%, ${r1} 0% → 10%\\.`));
      assert.deepEqual(c.actions, ['Send Canary Traffic']);
      assert.deepEqual(await split(a), { [r1]: 10, [r2]: 90 });

      // During the canary both rows keep traffic actions; the canary's row offers Promote and End Canary.
      rows = await revisionRows(a);
      const canaryContext = String(rows.get(r1)!.item.contextValue);
      assert.equal(canaryContext, 'mlServing.revision.ready.serving.canary');
      assert.deepEqual(menuFor(canaryContext).filter(x => /canary|promote|endCanary|rollback/i.test(x)).sort(), ['mlServing.canary', 'mlServing.deploy.endCanary', 'mlServing.deploy.promote', 'mlServing.rollback']);
      assert.deepEqual(menuFor(String(rows.get(r2)!.item.contextValue)).filter(x => /canary|promote|rollback/i.test(x)).sort(), ['mlServing.canary', 'mlServing.rollback']);

      // Promote, dismissed: nothing moves. Then confirmed.
      answer = undefined;
      await vscode.commands.executeCommand('mlServing.deploy.promote', rows.get(r1)!.node);
      const dismissed = await modal('the promote confirmation');
      assert.equal(dismissed.text, `Promote ${r1} to all of ${SVC}'s traffic?`);
      assert.deepEqual(await split(a), { [r1]: 10, [r2]: 90 }, 'dismissing moves nothing');
      answer = 'Promote';
      await vscode.commands.executeCommand('mlServing.deploy.promote', rows.get(r1)!.node);
      const p = await modal('the promote confirmation');
      assert.match(p.detail!, new RegExp(`^Traffic of ${SVC}: ${r2} 90% → 0%, ${r1} 10% → 100%\\.`));
      assert.deepEqual(await split(a), { [r1]: 100 });

      // A canary on r2, ended from the palette's form ({service}): r2's share goes back to r1.
      answer = 'Send Canary Traffic';
      await vscode.commands.executeCommand('mlServing.canary', { service: NAME }, { revision: r2, percent: 20 });
      await modal('the second canary confirmation');
      assert.deepEqual(await split(a), { [r1]: 80, [r2]: 20 });
      answer = 'End Canary';
      await vscode.commands.executeCommand('mlServing.deploy.endCanary', { service: NAME });
      const e = await modal('the end-canary confirmation');
      assert.equal(e.text, `End the canary of ${r2} on ${SVC}?`);
      assert.match(e.detail!, new RegExp(`^Traffic of ${SVC}: ${r2} 20% → 0%, ${r1} 80% → 100%\\.`));
      assert.deepEqual(await split(a), { [r1]: 100 });

      // Rollback asks too; dismissing it moves nothing.
      answer = undefined;
      await vscode.commands.executeCommand('mlServing.rollback', { service: NAME }, { revision: r2 });
      const rb = await modal('the rollback confirmation');
      assert.equal(rb.text, `Roll ${SVC} back to ${r2}?`);
      assert.match(rb.detail!, new RegExp(`^Traffic of ${SVC}: ${r1} 100% → 0%, ${r2} 0% → 100%\\.`));
      assert.deepEqual(await split(a), { [r1]: 100 }, 'dismissing moves nothing');
      answer = 'Roll Back';
      await vscode.commands.executeCommand('mlServing.rollback', { service: NAME }, { revision: r2 });
      await modal('the rollback confirmation');
      assert.deepEqual(await split(a), { [r2]: 100 });

      // With no canary running, Promote says so instead of moving anything.
      await vscode.commands.executeCommand('mlServing.deploy.promote', { service: NAME });
      const none = await messages.waitFor(m => m.level === 'error', 'the no-canary error');
      assert.match(none.text, new RegExp(`^${SVC} has no canary running`));
      assert.deepEqual(await split(a), { [r2]: 100 });
    } finally {
      messages.restore();
    }
  });

  it('a failed revision is reported with the cause from its log and the fix first (item 8)', async () => {
    const before = await split(a);
    const customOp = await versionsOf(a, 'recsys-retrieval-custom-op');
    const picks: Array<{ title?: string; labels: string[] }> = [];
    const win = vscode.window as unknown as { showQuickPick: (items: unknown, options?: { title?: string }) => Promise<unknown> };
    const showQuickPick = win.showQuickPick;
    // The fix opens the redeploy's confirmation: record it, then leave it (Escape).
    win.showQuickPick = async (items: unknown, options?: { title?: string }) => {
      picks.push({ title: options?.title, labels: (await (items as Promise<Array<{ label: string }>>)).map(i => i.label) });
      return undefined;
    };
    const messages = captureMessages(m => (m.level === 'error' ? 'Redeploy with the Python Server' : undefined));
    try {
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', customOp[0], { yes: true, serviceName: SVC, container: 'native' });
      assert.equal(r, undefined, 'the deploy reports a failure');
      const failed = (await (await a.services.session.cloud()).run.listRevisions(NAME)).find(x => x.state === 'failed');
      assert.ok(failed, 'a failed revision');
      const error = await messages.waitFor(m => m.level === 'error', 'the deploy error');
      assert.ok(error.text.startsWith(`Deploy of ${SVC} failed (revision ${failed.id}): TF Serving cannot run this model: op MlServingDemo>TopKDot is not in its binary.`), error.text);
      assert.doesNotMatch(error.text, /failed to start and listen on the port/, 'Cloud Run\'s generic message is not what leads');
      assert.match(error.text, /Python server.*The previous revision still serves and keeps its traffic\./);
      assert.deepEqual(error.actions, ['Redeploy with the Python Server', 'Show Revision Logs', 'Show Logs']);
      await until(() => picks.length > 0, 'the redeploy confirmation the fix opens', 30_000);
      assert.equal(picks[0].title, `Deploy to Cloud Run: new revision of ${SVC}`);
      assert.ok(picks[0].labels.includes('$(server) Container: Python server'), picks[0].labels.join(' | '));
    } finally {
      messages.restore();
      win.showQuickPick = showQuickPick;
    }
    assert.deepEqual(await split(a), before, 'traffic did not move');
  });

  it('the deploy prompts are titled in words a user reads, not field names (item 16)', async () => {
    const v = await versionsOf(a, 'recsys-ranking');
    const win = vscode.window as unknown as Record<'showQuickPick' | 'showInputBox', (...args: any[]) => Promise<unknown>>;
    const original = { showQuickPick: win.showQuickPick, showInputBox: win.showInputBox };
    const titles: string[] = [];
    let picks = 0;
    // The user opens Resources, keeps each value, then leaves the confirmation (Escape).
    win.showQuickPick = async (items: Array<{ label: string }> | Promise<Array<{ label: string }>>) => (picks++ === 0 ? (await items).find(i => i.label.startsWith('$(dashboard) Resources')) : undefined);
    win.showInputBox = async (options: { title?: string; value?: string }) => {
      titles.push(options.title ?? '');
      return options.value;
    };
    try {
      const r = await vscode.commands.executeCommand('mlServing.deploy', v[0], { serviceName: SVC });
      assert.equal(r, undefined, 'left without deploying');
    } finally {
      Object.assign(win, original);
    }
    assert.deepEqual(titles, ['Deploy: CPU per instance', 'Deploy: Memory per instance', 'Deploy: Minimum instances (0 scales to zero)', 'Deploy: Maximum instances', 'Deploy: Requests per instance at once']);
  });

  it('Copy Build Command says it copied (item 16)', async () => {
    const v = await versionsOf(a, 'recsys-ranking');
    await emulatorPost('/faults', { kind: 'missingImage', image: 'tf-serving-native' });
    await vscode.env.clipboard.writeText('');
    const messages = captureMessages(m => (m.level === 'error' ? 'Copy Build Command' : undefined));
    try {
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', v[v.length - 1], { yes: true, serviceName: SVC });
      assert.equal(r, undefined);
      const copied = await messages.waitFor(m => m.level === 'info' && m.text.startsWith('Copied the build command'), 'the "copied" feedback', 10_000);
      assert.match(copied.text, /gcloud builds submit \S*\/deploy\/tf_serving_native/);
      assert.match(await vscode.env.clipboard.readText(), /^gcloud builds submit /);
    } finally {
      messages.restore();
      await emulatorDelete('/faults');
    }
  });
});


// In-host (issue 14): a redeploy keeps what the user did not change, the confirmation shows the
// diff and what is kept, a workspace cannot choose the image, and confirmations cannot be skipped
// through command arguments outside the test runner.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorAdmin, useDemoProject, until, type ExtensionApi, DEMO_PROJECT, DEMO_REGION } from './support/extension';
import { captureMessages } from './support/messages';
import { rawClients } from './support/rawClients';

type Result = { service: { name: string; state: string; latestCreatedRevision?: string }; plan: { image: string; container: string } };

const PARENT = `projects/${DEMO_PROJECT}/locations/${DEMO_REGION}`;
const SA = 'recsys-runtime@demo-project.iam.gserviceaccount.com';
const CONNECTOR = 'projects/demo-project/locations/us-central1/connectors/serving-vpc';
const NATIVE = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0';
const PYTHON = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-python:tf2.15-scann1.3.0';

/** A model service changed in the console: service account, secrets, VPC, a sidecar, scaling. */
function richService(modelFolder: string) {
  return {
    labels: { 'managed-by': 'ml-serving', cost_center: 'ml' },
    template: {
      labels: { team: 'recsys' },
      annotations: { 'run.googleapis.com/cloudsql-instances': 'demo-project:us-central1:db' },
      serviceAccount: SA,
      vpcAccess: { connector: CONNECTOR, egress: 'PRIVATE_RANGES_ONLY' },
      scaling: { minInstanceCount: 1, maxInstanceCount: 4 },
      executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
      containers: [
        {
          name: 'serving', image: PYTHON, ports: [{ name: 'http1', containerPort: 8501 }],
          env: [
            { name: 'MODEL_NAME', value: 'recsys_ranking' },
            { name: 'DB_PASSWORD', valueSource: { secretKeyRef: { secret: 'db-pass', version: 'latest' } } },
            { name: 'LOG_LEVEL', value: 'debug' },
          ],
          resources: { limits: { cpu: '2', memory: '4Gi' } },
          volumeMounts: [{ name: 'model', mountPath: '/models/recsys_ranking' }, { name: 'creds', mountPath: '/secrets' }],
        },
        { name: 'otel-collector', image: 'otel/opentelemetry-collector:0.98.0', resources: { limits: { cpu: '1', memory: '512Mi' } } },
      ],
      volumes: [
        { name: 'model', gcs: { bucket: 'demo-project-models', readOnly: true, mountOptions: [`only-dir=${modelFolder}`] } },
        { name: 'creds', secret: { secret: 'api-creds', items: [{ path: 'key.json', version: '3' }] } },
      ],
    },
  };
}

/** Every one of the console's fields, in a service's template or a revision. */
function assertKept(t: any, where: string): void {
  assert.equal(t.serviceAccount, SA, `${where}: service account`);
  assert.equal(t.vpcAccess?.connector, CONNECTOR, `${where}: VPC connector`);
  assert.equal(t.vpcAccess?.egress, 'PRIVATE_RANGES_ONLY', `${where}: VPC egress`);
  assert.deepEqual(t.containers.map((c: any) => c.name), ['serving', 'otel-collector'], `${where}: sidecar kept, in order`);
  assert.equal(t.containers[1].image, 'otel/opentelemetry-collector:0.98.0', `${where}: sidecar image`);
  const env = t.containers[0].env;
  assert.deepEqual(env.find((e: any) => e.name === 'DB_PASSWORD')?.valueSource?.secretKeyRef, { secret: 'db-pass', version: 'latest' }, `${where}: secret env`);
  assert.equal(env.find((e: any) => e.name === 'LOG_LEVEL')?.value, 'debug', `${where}: other env`);
  const creds = t.volumes.find((v: any) => v.name === 'creds');
  assert.equal(creds?.secret?.secret, 'api-creds', `${where}: secret volume`);
  assert.ok(t.containers[0].volumeMounts.some((m: any) => m.name === 'creds' && m.mountPath === '/secrets'), `${where}: secret mount`);
  assert.equal(t.annotations?.['run.googleapis.com/cloudsql-instances'], 'demo-project:us-central1:db', `${where}: annotation`);
  assert.equal(t.scaling?.minInstanceCount, 1, `${where}: console scaling`);
  assert.equal(t.scaling?.maxInstanceCount, 4, `${where}: console scaling`);
}

/** Swaps vscode.window.showQuickPick: records each pick's title and labels, answers with `choose`. */
function captureQuickPicks(choose: (labels: string[], title: string) => number | undefined) {
  const win = vscode.window as unknown as { showQuickPick: (...a: any[]) => Thenable<any> };
  const original = win.showQuickPick;
  const shown: Array<{ title: string; labels: string[] }> = [];
  win.showQuickPick = async (items: any, options?: { title?: string }) => {
    const list = await items;
    const labels = (list as Array<string | { label: string }>).map(i => (typeof i === 'string' ? i : i.label));
    shown.push({ title: options?.title ?? '', labels });
    const i = choose(labels, options?.title ?? '');
    return i === undefined ? undefined : list[i];
  };
  return { shown, restore: () => { win.showQuickPick = original; } };
}

async function versionsOf(a: ExtensionApi, model: string) {
  // After a settings change the session resets and the tree reloads: ask until the model is back.
  const end = Date.now() + 20_000;
  for (;;) {
    const models = await a.trees.models.getChildren();
    const items = await Promise.all(models.map(m => a.trees.models.getTreeItem(m)));
    const node = models[items.findIndex(i => i.label === model)];
    if (node) return a.trees.models.getChildren(node);
    assert.ok(Date.now() < end, `model ${model} in the Models tree`);
    await new Promise(r => setTimeout(r, 250));
  }
}

/** Runs `change` (a settings edit) and waits until the session has reset for it (or 3 s passed). */
async function settled(a: ExtensionApi, change: () => unknown): Promise<void> {
  const reset = new Promise<void>(resolve => {
    const sub = a.services.session.onDidChange(() => { sub.dispose(); resolve(); });
    setTimeout(() => { sub.dispose(); resolve(); }, 3000);
  });
  await change();
  await reset;
}

describe('deploy keeps what the user did not change; no workspace or argument steers it', function () {
  this.timeout(120_000);
  let a: ExtensionApi;
  const created: string[] = [];

  before(async function () {
    if (!emulatorAdmin()) this.skip();
    a = await useDemoProject();
    a.trees.models.reset();
  });
  after(async () => {
    (a?.deploy as { actAsOutsideTests?: (on: boolean) => void } | undefined)?.actAsOutsideTests?.(false);
    if (!a) return;
    const cloud = await a.services.session.cloud();
    for (const name of created) await rawClients(cloud).run().services.deleteService({ name }).then(([op]: any) => op.promise()).catch(() => undefined);
  });

  it('a redeploy through the confirmation shows the diff and what is kept, and keeps SA, secrets, VPC access and the sidecar', async () => {
    const cloud = await a.services.session.cloud();
    const run = rawClients(cloud).run();
    const name = `${PARENT}/services/itest-keeps`;
    const [op] = await run.services.createService({ parent: PARENT, serviceId: 'itest-keeps', service: richService('recsys-ranking/pushed_model') as never });
    await op.promise();
    created.push(name);
    const [before] = await run.services.getService({ name }) as any[];
    assert.equal(before.terminalCondition.state, 'CONDITION_SUCCEEDED', before.terminalCondition.message);

    // As the user: the confirmation pick (Deploy is the first row), then the modal's "Deploy".
    a.deploy.actAsOutsideTests(true);
    const picks = captureQuickPicks(labels => (labels[0].includes('Deploy itest-keeps') ? 0 : undefined));
    const messages = captureMessages(m => (m.modal && /^Deploy itest-keeps to Cloud Run\?/.test(m.text) ? 'Deploy' : undefined));
    let r: Result | undefined;
    try {
      const versions = await versionsOf(a, 'recsys-ranking');
      r = await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[0], { serviceName: 'itest-keeps' });
      const modal = await messages.waitFor(m => Boolean(m.modal) && m.text.startsWith('Deploy itest-keeps'), 'the deploy confirmation modal');
      const detail = modal.detail ?? '';
      // The plan in full, the image on its own row, the diff old → new, and what is kept.
      assert.match(detail, /^New revision of itest-keeps in us-central1 \(demo-project\)$/m);
      assert.ok(detail.includes(`Image: ${NATIVE}`), detail);
      assert.match(detail, /Changes \(old → new\):/);
      assert.ok(detail.includes(`• image (serving):\n      ${PYTHON}\n   → ${NATIVE}`), detail);
      assert.match(detail, /• env MODEL_VERSION \(serving\): \(none\) → \d+/);
      assert.ok(detail.includes(`Kept as they are: service account ${SA}; 2 secrets: env DB_PASSWORD (db-pass), volume creds (api-creds); VPC connector ${CONNECTOR}; sidecar otel-collector`), detail);
      assert.match(detail, new RegExp(`Runs as: ${SA.replace(/\./g, '\\.')}`));
      assert.ok(!/service account \(serving\)|vpcAccess|DB_PASSWORD \(serving\):/.test(detail), 'nothing it keeps is listed as a change');
      // The quick pick lists the same changes, one per row.
      const pick = picks.shown.find(p => p.title === 'Deploy to Cloud Run: new revision of itest-keeps');
      assert.ok(pick, JSON.stringify(picks.shown.map(p => p.title)));
      assert.ok(pick.labels.some(l => l.startsWith('$(diff) image (serving):')), pick.labels.join(' | '));
    } finally {
      picks.restore();
      messages.restore();
      a.deploy.actAsOutsideTests(false);
    }
    assert.ok(r, `the deploy went through: ${JSON.stringify(messages.shown)}`);
    assert.equal(r.service.state, 'ready');
    const [after] = await run.services.getService({ name }) as any[];
    assert.notEqual(after.latestCreatedRevision, before.latestCreatedRevision, 'a new revision');
    assert.equal(after.template.containers[0].image, NATIVE);
    assertKept(after.template, 'stored service');
    assert.equal(after.labels.cost_center, 'ml', 'a service label that is not ours');
    assert.equal(after.template.labels.team, 'recsys', 'a template label that is not ours');
    const [revision] = await run.revisions.getRevision({ name: after.latestCreatedRevision }) as any[];
    assertKept(revision, 'new revision');
    assert.equal(revision.containers[0].image, NATIVE);
  });

  it('a workspace setting mlServing.images.native does not change the deployed image, and the user is told', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the test workbench has a folder open');
    const file = path.join(folder, '.vscode', 'settings.json');
    const original = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    const evil = 'evil.example.com/miner:latest';
    const messages = captureMessages();
    try {
      const settings = original ? JSON.parse(original) : {};
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await settled(a, () => fs.writeFileSync(file, JSON.stringify({ ...settings, 'mlServing.images.native': evil }, null, 2)));
      const versions = await versionsOf(a, 'recsys-ranking');
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[0], { yes: true, serviceName: 'itest-ws-image' });
      created.push(`${PARENT}/services/itest-ws-image`);
      assert.ok(r, `the deploy went through: ${JSON.stringify(messages.shown)}`);
      assert.equal(r.plan.image, NATIVE, 'the default image, not the workspace\'s');
      const cloud = await a.services.session.cloud();
      const [s] = await rawClients(cloud).run().services.getService({ name: r.service.name }) as any[];
      assert.equal(s.template.containers[0].image, NATIVE);
      const told = await messages.waitFor(m => m.level === 'warning' && m.text.includes('mlServing.images.native'), 'the warning that the workspace value is ignored', 10_000);
      assert.match(told.text, /workspace's value "evil\.example\.com\/miner:latest" is ignored; only your user settings can set it/);
    } finally {
      messages.restore();
      await settled(a, () => (original === undefined ? fs.rmSync(file, { force: true }) : fs.writeFileSync(file, original)));
    }
  });

  it('an image outside the project\'s ml-serving repository needs a confirmation that names it', async () => {
    const foreign = 'docker.io/someone/tf-serving:latest';
    const cfg = vscode.workspace.getConfiguration('mlServing');
    await settled(a, () => cfg.update('images.native', foreign, vscode.ConfigurationTarget.Global));
    a.deploy.actAsOutsideTests(true);
    let picked = 0;
    const picks = captureQuickPicks(labels => (picked++ === 0 && labels[0].includes('Deploy itest-foreign') ? 0 : undefined));
    const messages = captureMessages(); // dismisses the modal
    try {
      await until(() => a.services.session.settings.nativeImage === foreign, 'the user setting to be read', 10_000);
      const versions = await versionsOf(a, 'recsys-ranking');
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[versions.length - 1], { serviceName: 'itest-foreign' });
      assert.equal(r, undefined, 'nothing deployed');
      const modal = await messages.waitFor(m => Boolean(m.modal), 'the image confirmation');
      assert.equal(modal.text, `Deploy the image ${foreign}?`);
      assert.match(modal.detail ?? '', /not from your project's Artifact Registry repository \(REGION-docker\.pkg\.dev\/demo-project\/ml-serving\/…\)/);
      assert.deepEqual(modal.actions, ['Use This Image']);
      assert.ok(!messages.shown.some(m => m.text.startsWith('Deploy itest-foreign to Cloud Run?')), 'dismissed: the deploy was not offered');
      const cloud = await a.services.session.cloud();
      assert.equal(await cloud.run.getService(`${PARENT}/services/itest-foreign`), undefined);
    } finally {
      picks.restore();
      messages.restore();
      a.deploy.actAsOutsideTests(false);
      await settled(a, () => cfg.update('images.native', undefined, vscode.ConfigurationTarget.Global));
    }
  });

  it('without a service account the confirmation says the default one runs the model and offers a dedicated one', async () => {
    const dedicated = 'ml-serving@demo-project.iam.gserviceaccount.com';
    a.deploy.actAsOutsideTests(true);
    const picks = captureQuickPicks(labels => {
      const deployRow = labels.findIndex(l => l.includes('Deploy itest-sa'));
      if (labels.some(l => l.includes(`Runs as: ${dedicated}`))) return deployRow;
      return labels.findIndex(l => l.includes('Runs as: the default compute service account (often Editor on the project)'));
    });
    const win = vscode.window as unknown as { showInputBox: (o?: vscode.InputBoxOptions) => Thenable<string | undefined> };
    const originalInput = win.showInputBox;
    const inputs: vscode.InputBoxOptions[] = [];
    win.showInputBox = async (o?: vscode.InputBoxOptions) => { inputs.push(o ?? {}); return o?.value; }; // the user accepts the suggestion
    const messages = captureMessages(m => (m.modal && m.text === 'Deploy itest-sa to Cloud Run?' ? 'Deploy' : undefined));
    try {
      const versions = await versionsOf(a, 'recsys-ranking');
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[versions.length - 1], { serviceName: 'itest-sa' });
      created.push(`${PARENT}/services/itest-sa`);
      assert.ok(r, `deployed: ${JSON.stringify(messages.shown)}`);
      assert.equal(inputs[0]?.value, dedicated, 'the suggested dedicated account');
      const copied = await vscode.env.clipboard.readText();
      assert.match(copied, /gcloud iam service-accounts create ml-serving --project=demo-project/);
      assert.match(copied, /--role=roles\/storage\.objectViewer/);
      assert.match(copied, /--role=roles\/logging\.logWriter/);
      assert.ok(messages.shown.some(m => m.level === 'info' && m.text.startsWith(`Copied the gcloud commands that create ${dedicated}`)), JSON.stringify(messages.shown));
      const modal = messages.shown.find(m => m.modal && m.text === 'Deploy itest-sa to Cloud Run?');
      assert.match(modal?.detail ?? '', new RegExp(`Runs as: ${dedicated.replace(/\./g, '\\.')}`));
      const cloud = await a.services.session.cloud();
      const [s] = await rawClients(cloud).run().services.getService({ name: r.service.name }) as any[];
      assert.equal(s.template.serviceAccount, dedicated);
    } finally {
      picks.restore();
      messages.restore();
      win.showInputBox = originalInput;
      a.deploy.actAsOutsideTests(false);
    }
  });

  it('{yes: true} and {confirmed: true} do not skip the confirmations outside the test runner', async () => {
    const versions = await versionsOf(a, 'recsys-ranking');
    const cloud = await a.services.session.cloud();
    a.deploy.actAsOutsideTests(true);
    const picks = captureQuickPicks(() => undefined); // the user presses Escape
    const messages = captureMessages(); // and dismisses any modal
    try {
      const r = await vscode.commands.executeCommand<Result>('mlServing.deploy', versions[0], { yes: true, serviceName: 'itest-bypass' });
      assert.equal(r, undefined, 'nothing deployed');
      assert.ok(picks.shown.some(p => p.title === 'Deploy to Cloud Run: new service itest-bypass'), `the confirmation was shown: ${JSON.stringify(picks.shown.map(p => p.title))}`);
      assert.equal(await cloud.run.getService(`${PARENT}/services/itest-bypass`), undefined);

      const keep = `${PARENT}/services/itest-keeps`;
      await vscode.commands.executeCommand('mlServing.undeploy', { service: keep }, { confirmed: true });
      const modal = await messages.waitFor(m => Boolean(m.modal) && m.text === 'Delete the Cloud Run service itest-keeps?', 'the undeploy confirmation');
      assert.deepEqual(modal.actions, ['Delete Service']);
      assert.ok(await cloud.run.getService(keep), 'dismissing the modal keeps the service');
    } finally {
      picks.restore();
      messages.restore();
      a.deploy.actAsOutsideTests(false);
    }
  });
});

// Issue 14 in the workbench: a redeploy of a service that has a secret, its own service account
// and VPC access shows the field-by-field diff and what is kept in the confirmation, and after it
// the service still has all three. The service is made with the official Cloud Run client, as the
// console or gcloud would have left it.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { fetchEmulatorEndpoints } from '../../src/gcp/connection';
import { grpcClientOptions } from '../../src/gcp/endpoints';
import { WAIT, eventually, openProject, workbenchUrl, type workspaceSettings } from './support';
import type { Workbench } from './workbench';

const DEMO_PROJECT = 'demo-project';
const SERVICE = 'e2e-keeps';
const PARENT = `projects/${DEMO_PROJECT}/locations/us-central1`;
const NAME = `${PARENT}/services/${SERVICE}`;
const SA = 'recsys-runtime@demo-project.iam.gserviceaccount.com';
const CONNECTOR = 'projects/demo-project/locations/us-central1/connectors/serving-vpc';
const PYTHON = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-python:tf2.15-scann1.3.0';
const NATIVE = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0';



/** The official Cloud Run client from the extension's own bundle, pointed at the emulator. */
async function runClients(admin: string): Promise<{ services: any; revisions: any }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const r = require(path.resolve(__dirname, '../../../dist/gcp-run.js'));
  const opts = grpcClientOptions(await fetchEmulatorEndpoints(admin), 'run', r.grpc);
  return { services: new r.ServicesClient(opts), revisions: new r.RevisionsClient(opts) };
}

describe('a redeploy keeps the secret, service account and VPC access (issue 14)', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let run: { services: any; revisions: any } | undefined;
  let settings: ReturnType<typeof workspaceSettings> | undefined;

  before(async function () {
    this.timeout(180_000);
    const url = workbenchUrl();
    const admin = process.env.MLSERVING_EMULATOR;
    if (!admin) this.skip();
    run = await runClients(admin!);
    const [op] = await run.services.createService({ parent: PARENT, serviceId: SERVICE, service: {
      labels: { 'managed-by': 'ml-serving' },
      template: {
        serviceAccount: SA,
        vpcAccess: { connector: CONNECTOR, egress: 'PRIVATE_RANGES_ONLY' },
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        containers: [{
          name: 'serving', image: PYTHON, ports: [{ name: 'http1', containerPort: 8501 }],
          env: [{ name: 'MODEL_NAME', value: 'recsys_ranking' }, { name: 'DB_PASSWORD', valueSource: { secretKeyRef: { secret: 'db-pass', version: 'latest' } } }],
          resources: { limits: { cpu: '2', memory: '4Gi' } },
          volumeMounts: [{ name: 'model', mountPath: '/models/recsys_ranking' }],
        }],
        volumes: [{ name: 'model', gcs: { bucket: 'demo-project-models', readOnly: true, mountOptions: ['only-dir=recsys-ranking/pushed_model'] } }],
      },
    } });
    await op.promise();
    ({ wb, settings } = await openProject(url));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      const file = await wb.screenshot(`e2e-keeps-${this.currentTest.title}`).catch(() => undefined);
      if (file) console.log(`      screenshot: ${file}`);
    }
  });

  after(async () => {
    await wb?.close();
    if (run) {
      await run.services.deleteService({ name: NAME }).then(([op]: any) => op.promise()).catch(() => undefined);
      await Promise.all([run.services.close(), run.revisions.close()]);
    }
    settings?.restore();
  });

  it('the confirmation shows the diff and what is kept; afterwards the service still has all three', async () => {
    const [before] = await run!.services.getService({ name: NAME });
    // Deploy a recsys-ranking version to the existing service, as the user would.
    const model = wb.exactTreeRow('Models', 'recsys-ranking');
    await model.waitFor({ timeout: WAIT });
    await wb.expandRow(model);
    // The oldest version: a ranking model of the demo (a newer one may have been registered from another run).
    const version = await eventually('a version row under recsys-ranking', async () => (await wb.childRows('Models', model)).filter(k => /^v\d+$/.test(k.label)).pop());
    await wb.contextMenu(await wb.childRow('Models', model, version.label), 'Deploy to Cloud Run');
    await eventually('the service-name input box', async () => /service name/i.test(await wb.quickInputTitle()), 60_000);
    await wb.answerInput(SERVICE);
    await eventually('the deploy confirmation', async () => (await wb.quickInputTitle()) === `Deploy to Cloud Run: new revision of ${SERVICE}`, 60_000);

    // The pick lists each change on its own row, and what is kept.
    const rows = await wb.quickPickItems();
    assert.ok(rows.some(r => r.startsWith('Runs as: recsys-runtime@')), rows.join(' | '));
    const keptRow = rows.find(r => r.includes('Kept:'));
    assert.ok(keptRow?.includes(`service account ${SA}`) && keptRow.includes('1 secret: env DB_PASSWORD (db-pass)') && keptRow.includes(`VPC connector ${CONNECTOR}`), keptRow);

    await wb.quickPickRow(`Deploy ${SERVICE}`).click();
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: WAIT });
    const text = (await dialog.innerText()).replace(/[ \t]+/g, ' ');
    assert.match(text, new RegExp(`Deploy ${SERVICE} to Cloud Run\\?`));
    assert.match(text, /Changes \(old → new\):/);
    // The full image on its own rows, old → new.
    assert.ok(text.includes(PYTHON) && text.includes(`→ ${NATIVE}`), text);
    assert.match(text, /Kept as they are: service account recsys-runtime@demo-project\.iam\.gserviceaccount\.com; 1 secret: env DB_PASSWORD \(db-pass\); VPC connector projects\/demo-project\/locations\/us-central1\/connectors\/serving-vpc/);
    assert.match(text, /Runs as: recsys-runtime@demo-project\.iam\.gserviceaccount\.com/);
    // Nothing the diff does not show: no row touches the identity, the secret or the VPC.
    assert.ok(!/• (service account|vpcAccess|env DB_PASSWORD)/.test(text), text);
    // The plan in full can put the dialog's buttons below the page: focus and Enter, as a keyboard user would.
    await dialog.getByRole('button', { name: 'Deploy', exact: true }).focus();
    await wb.page.keyboard.press('Enter');

    await wb.notification(new RegExp(`${SERVICE} is serving at http://127\\.0\\.0\\.1:\\d+`)).waitFor({ timeout: 120_000 });
    const [after] = await run!.services.getService({ name: NAME });
    assert.notEqual(after.latestCreatedRevision, before.latestCreatedRevision, 'a new revision');
    const [revision] = await run!.revisions.getRevision({ name: after.latestCreatedRevision });
    for (const [where, t] of [['service', after.template], ['new revision', revision]] as const) {
      assert.equal(t.serviceAccount, SA, `${where}: service account`);
      assert.equal(t.vpcAccess?.connector, CONNECTOR, `${where}: VPC connector`);
      const secret = t.containers[0].env.find((e: any) => e.name === 'DB_PASSWORD');
      assert.deepEqual(secret?.valueSource?.secretKeyRef, { secret: 'db-pass', version: 'latest' }, `${where}: secret`);
      assert.equal(t.containers[0].image, NATIVE, `${where}: the new image`);
    }
  });
});

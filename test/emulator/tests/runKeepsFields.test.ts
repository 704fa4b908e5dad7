// The emulator keeps every field of the Service and Revision resources it is given: a service
// created with the official client carrying a service account, a secret env var, a secret volume,
// VPC access, a sidecar, annotations and labels has them in the stored service and in every
// revision, across updates.
import { strict as assert } from 'node:assert';
import type { Emulator } from '../emulator';
import { PARENT, bundle, clientOptions, startTestEmulator } from './harness';

const IMAGE = 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0';
const SA = 'recsys-runtime@demo-project.iam.gserviceaccount.com';
const CONNECTOR = 'projects/demo-project/locations/us-central1/connectors/serving-vpc';

export function richTemplate(release: string, modelName = 'recsys') {
  return {
    labels: { team: 'recsys' },
    annotations: { 'run.googleapis.com/cloudsql-instances': 'demo-project:us-central1:db' },
    serviceAccount: SA,
    vpcAccess: { connector: CONNECTOR, egress: 'PRIVATE_RANGES_ONLY' },
    scaling: { minInstanceCount: 1, maxInstanceCount: 4 },
    maxInstanceRequestConcurrency: 12,
    sessionAffinity: true,
    executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
    containers: [
      {
        name: 'serving', image: IMAGE, ports: [{ name: 'http1', containerPort: 8501 }],
        env: [
          { name: 'MODEL_NAME', value: modelName },
          { name: 'RELEASE', value: release },
          { name: 'DB_PASSWORD', valueSource: { secretKeyRef: { secret: 'db-pass', version: 'latest' } } },
        ],
        resources: { limits: { cpu: '2', memory: '2Gi' } },
        volumeMounts: [{ name: 'model', mountPath: `/models/${modelName}` }, { name: 'creds', mountPath: '/secrets' }],
      },
      { name: 'otel-collector', image: 'otel/opentelemetry-collector:0.98.0', resources: { limits: { cpu: '1', memory: '512Mi' } } },
    ],
    volumes: [
      { name: 'model', gcs: { bucket: 'demo-project-models', readOnly: true, mountOptions: ['only-dir=recsys-ranking/pushed_model'] } },
      { name: 'creds', secret: { secret: 'api-creds', items: [{ path: 'key.json', version: '3' }] } },
    ],
  };
}

/** Every field of `sent` is in `got` with the same value (arrays element by element). */
function assertSent(got: any, sent: any, where: string): void {
  if (Array.isArray(sent)) {
    assert.equal(got?.length, sent.length, `${where}: length`);
    sent.forEach((x, i) => assertSent(got[i], x, `${where}[${i}]`));
  } else if (sent && typeof sent === 'object') {
    for (const k of Object.keys(sent)) assertSent(got?.[k], sent[k], `${where}.${k}`);
  } else {
    assert.equal(got, sent, where);
  }
}

/** What a revision carries of its template (Revision has no `revision` or `healthCheckDisabled`). */
function revisionPart(t: any) {
  const { labels: _l, ...rest } = t;
  void _l;
  return rest;
}

describe('emulator: Cloud Run keeps every field of services and revisions', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let services: any, revisions: any;
  const name = `${PARENT}/services/rich`;

  before(async () => {
    const started = await startTestEmulator();
    emu = started.emu;
    const r = bundle('run');
    const opts = clientOptions(started.conn, 'run', r.grpc);
    services = new r.ServicesClient(opts);
    revisions = new r.RevisionsClient(opts);
  });
  after(async () => {
    await Promise.all([services?.close(), revisions?.close()]);
    await emu?.stop();
  });

  it('a created service and its revision keep SA, secret env, secret volume, VPC access, sidecar, annotations', async () => {
    const template = richTemplate('1');
    const service = { labels: { 'managed-by': 'ml-serving', cost_center: 'ml' }, annotations: { 'run.googleapis.com/launch-stage': 'BETA' }, description: 'kept', template };
    const [op] = await services.createService({ parent: PARENT, serviceId: 'rich', service });
    await op.promise();
    const [got] = await services.getService({ name });
    assert.equal(got.terminalCondition.state, 'CONDITION_SUCCEEDED', got.terminalCondition.message);
    assertSent(got.template, template, 'service.template');
    assert.deepEqual(got.labels, service.labels);
    assert.deepEqual(got.annotations, service.annotations);
    assert.equal(got.description, 'kept');
    const [rev] = await revisions.getRevision({ name: got.latestCreatedRevision });
    assertSent(rev, revisionPart(template), 'revision');
    assert.deepEqual(rev.labels, template.labels);
  });

  it('an update that changes the template keeps them in the stored service and the new revision', async () => {
    const [current] = await services.getService({ name });
    const template = richTemplate('2');
    const [op] = await services.updateService({ service: { ...current, template } });
    const [svc] = await op.promise();
    assert.notEqual(svc.latestCreatedRevision, current.latestCreatedRevision, 'a new revision');
    const [got] = await services.getService({ name });
    assertSent(got.template, template, 'service.template');
    assert.deepEqual(got.labels, current.labels);
    const [rev] = await revisions.getRevision({ name: got.latestCreatedRevision });
    assertSent(rev, revisionPart(template), 'revision');
    assert.equal(rev.serviceAccount, SA);
    assert.equal(rev.vpcAccess.connector, CONNECTOR);
    assert.deepEqual(rev.containers.map((c: any) => c.name), ['serving', 'otel-collector']);
    // The earlier revision keeps its own template.
    const [old] = await revisions.getRevision({ name: current.latestCreatedRevision });
    assert.equal(old.containers[0].env.find((e: any) => e.name === 'RELEASE').value, '1');
  });
});

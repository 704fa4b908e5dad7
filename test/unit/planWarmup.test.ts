import { strict as assert } from 'node:assert';
import { defaultPlan, planSummary } from '../../src/serving/deploy/plan';
import { emptyInspection } from '../../src/serving/savedModel/inspection';

describe('the deploy confirmation says whether the version has warm-up data (issue 18)', () => {
  const ins = { ...emptyInspection('gs://demo-project-models/retrieval/1'), modelDir: 'gs://demo-project-models/retrieval/1', version: '1', container: 'native' as const };
  const plan = defaultPlan({ inspection: ins, serviceName: 'svc', region: 'us-central1', project: 'demo-project', image: 'us-central1-docker.pkg.dev/demo-project/ml-serving/tf-serving-native:2.19.0', container: 'native', modelName: 'm', links: {}, update: false });

  it('found: names the file and that it is replayed before ready', () => {
    assert.match(planSummary({ ...plan, warmupData: true }), /\nWarm-up: assets\.extra\/tf_serving_warmup_requests found; the server replays it before it reports ready\n/);
  });

  it('missing: says so, what it costs and which command writes one', () => {
    const text = planSummary({ ...plan, warmupData: false });
    assert.match(text, /\nWarm-up: none in the version folder; .*lazy initialisation \(Generate Warm-up Requests writes one\)\n/);
  });

  it('not checked (e.g. the check failed): no claim either way', () => {
    assert.doesNotMatch(planSummary(plan), /Warm-up/);
  });
});

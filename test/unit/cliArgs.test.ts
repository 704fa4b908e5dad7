import { strict as assert } from 'node:assert';
import { parseArgs, UsageError } from '../../src/cli/args';
import { formatShape } from '../../src/cli/report';

describe('ml-serving argument parsing', function () {
  it('inspect with a folder, --json, labels and a container override', function () {
    assert.deepEqual(parseArgs(['inspect', '/m', '--json']), { command: 'inspect', path: '/m', json: true, labels: {} });
    assert.deepEqual(parseArgs(['inspect', '--label', 'retrieval_algorithm=scann', 'gs://bkt/p', '--container=python', '--label=team=ml']), {
      command: 'inspect', path: 'gs://bkt/p', json: false, labels: { retrieval_algorithm: 'scann', team: 'ml' }, override: 'python',
    });
  });

  it('help', function () {
    assert.deepEqual(parseArgs(['--help']), { command: 'help' });
    assert.deepEqual(parseArgs(['inspect', '-h']), { command: 'help', topic: 'inspect' });
  });

  it('bad usage names the argument', function () {
    const cases: Array<[string[], RegExp]> = [
      [[], /missing command/],
      [['frobnicate', '/m'], /unknown command "frobnicate"/],
      [['inspect'], /inspect: missing <folder\|gs:\/\/bucket\/path>/],
      [['inspect', '/m', '--jsn'], /unknown option "--jsn"/],
      [['inspect', '/m', '/n'], /unexpected argument "\/n"/],
      [['inspect', '/m', '--container', 'gpu'], /--container "gpu": expected native or python/],
      [['inspect', '/m', '--container'], /--container expects a value/],
      [['inspect', '/m', '--label', 'Bad Label'], /--label "Bad Label"/],
      [['inspect', 'gs://Bad_Bucket/x'], /bad Cloud Storage path "gs:\/\/Bad_Bucket\/x": "Bad_Bucket" is not a valid bucket name/],
      [['inspect', 'gs:/b/x'], /bad Cloud Storage path "gs:\/b\/x"/],
      [['inspect', '/m', '--json=yes'], /--json takes no value/],
    ];
    for (const [argv, re] of cases) {
      assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && re.test(e.message), argv.join(' '));
    }
  });

  it('shapes print as a user reads them', function () {
    assert.equal(formatShape([-1, 1]), '[-1, 1]');
    assert.equal(formatShape([]), 'scalar');
    assert.equal(formatShape(null), 'unknown rank');
  });
});

describe('ml-serving deploy/traffic/compare arguments', () => {
  it('reads deploy and traffic flags with the one flag reader', () => {
    assert.deepEqual(parseArgs(['deploy', 'gs://bkt/m/1', '--service=ranking', '--memory', '8Gi', '--min-instances', '1', '--public', '--yes']), {
      command: 'deploy', json: false, regions: ['us-central1'], yes: true, source: { kind: 'gcs', uri: 'gs://bkt/m/1' },
      answers: { serviceName: 'ranking', memory: '8Gi', minInstances: 1, isPublic: true },
    });
    const reg = parseArgs(['deploy', 'projects/p-123456/locations/europe-west1/models/42@3', '--service', 'ranking']);
    assert.deepEqual(reg.command === 'deploy' && [reg.source, reg.regions], [{ kind: 'registry', model: 'projects/p-123456/locations/europe-west1/models/42', version: '3' }, ['europe-west1']]);
    assert.deepEqual(parseArgs(['traffic', 'ranking', '--region', 'us-central1', '--canary', 'ranking-00002-abc', '--percent', '10']), {
      command: 'traffic', json: false, project: undefined, regions: ['us-central1'], yes: false, service: 'ranking', action: { kind: 'canary', revision: 'ranking-00002-abc', percent: 10 },
    });
    assert.deepEqual(parseArgs(['deploy', '--help']), { command: 'help', topic: 'deploy' });
  });

  it('bad deploy/traffic arguments name the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['deploy', 'gs://bkt/m', '--service', 'ranking', '--cpu', 'lots'], /--cpu "lots": expected a CPU limit/],
      [['deploy', 'gs://bkt/m', '--service', 'ranking', '--public', '--no-public'], /--public and --no-public: give one/],
      [['deploy', 'gs://bkt/m', '--service', 'ranking', '--service-account', 'me'], /--service-account "me"/],
      [['deploy', 'gs://bkt/m', '--service', 'ranking', '--yes=1'], /--yes takes no value/],
      [['deploy', 'gs://bkt/m', '--service', 'ranking', '--region', 'us-central1,europe-west1'], /--region: deploy goes to one region/],
      [['traffic', 'ranking', '--promote'], /--region: a service id needs exactly one region/],
      [['traffic', 'projects/p-123456/locations/us-central1/services/s', '--promote', '--percent', '5'], /--percent: only with --canary/],
      [['compare', 'projects/p-123456/locations/us-central1/services/s', '--a', 'r1', '--b', 'r2'], /--requests: required/],
    ];
    for (const [argv, re] of cases) assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && re.test(e.message), argv.join(' '));
  });
});

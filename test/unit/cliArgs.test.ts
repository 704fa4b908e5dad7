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
    assert.deepEqual(parseArgs(['inspect', '-h']), { command: 'help' });
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

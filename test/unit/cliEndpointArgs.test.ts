import { strict as assert } from 'node:assert';
import { parseArgs, UsageError } from '../../src/cli/args';
import { COMMAND_HELP } from '../../src/cli/help';
import { runCli } from '../../src/cli/run';

const M = 'projects/demo-project/locations/us-central1/models/123';
const E = 'projects/demo-project/locations/us-central1/endpoints/456';

describe('ml-serving endpoint commands: arguments and help', function () {
  it('reads endpoint-deploy, endpoint-traffic, endpoint-undeploy and endpoints with the one flag reader', function () {
    assert.deepEqual(parseArgs(['endpoint-deploy', `${M}@2`, '--endpoint', '456', '--machine-type=n1-standard-4', '--min-replicas', '1', '--max-replicas', '3', '--traffic', '10', '--yes']), {
      command: 'endpoint-deploy', json: false, project: 'demo-project', regions: ['us-central1'], yes: true, model: M, version: '2',
      answers: { model: M, version: '2', endpoint: E, machineType: 'n1-standard-4', minReplicas: 1, maxReplicas: 3, trafficShare: 10 },
    });
    assert.deepEqual(parseArgs(['endpoint-traffic', E, '--split', '1=90,2=10', '--json']), { command: 'endpoint-traffic', json: true, project: 'demo-project', regions: ['us-central1'], yes: false, endpoint: E, split: { 1: 90, 2: 10 } });
    assert.deepEqual(parseArgs(['endpoint-undeploy', '456', '789', '--region', 'europe-west4', '--yes']), { command: 'endpoint-undeploy', json: false, project: undefined, regions: ['europe-west4'], yes: true, endpoint: '456', deployedModelId: '789' });
    assert.deepEqual(parseArgs(['endpoints', '--region', 'us-central1,europe-west4']), { command: 'endpoints', json: false, regions: ['us-central1', 'europe-west4'], yes: false });
  });

  it('bad arguments name the flag', function () {
    const cases: Array<[string[], RegExp]> = [
      [['endpoint-deploy', `${M}@2`], /--endpoint ID or --new-endpoint NAME: give one/],
      [['endpoint-deploy', `${M}@2`, '--endpoint', '4', '--new-endpoint', 'x'], /--endpoint ID or --new-endpoint NAME: give one/],
      [['endpoint-deploy', 'gs://b/m', '--new-endpoint', 'x'], /<model> "gs:\/\/b\/m": expected projects\/P\/locations\/R\/models\/ID@VERSION/],
      [['endpoint-deploy', `${M}@2`, '--new-endpoint', 'x', '--traffic', '101'], /--traffic "101": expected a whole number from 0 to 100/],
      [['endpoint-deploy', `${M}@2`, '--new-endpoint', 'x', '--min-replicas', '3', '--max-replicas', '2'], /--max-replicas 2: must be at least --min-replicas \(3\)/],
      [['endpoint-deploy', `${M}@2`, '--new-endpoint', 'x', '--min-replicas', '0'], /--min-replicas "0"/],
      [['endpoint-deploy', `${M}@2`, '--new-endpoint', 'x', '--region', 'europe-west4'], /--region: the endpoint is in the model's region \(us-central1\)/],
      [['endpoint-deploy', `${M}@2`, '--new-endpoint', 'x', '--machine'], /unknown option "--machine" for endpoint-deploy/],
      [['endpoint-traffic', E], /--split: required/],
      [['endpoint-traffic', E, '--split', '1=90,2=20'], /--split: the shares sum to 110, not 100/],
      [['endpoint-traffic', E, '--split', '1:90'], /--split "1:90": expected DEPLOYED_MODEL_ID=PERCENT/],
      [['endpoint-traffic', E, '--split', '1=50,1=50'], /--split: 1 is given twice/],
      [['endpoint-traffic', 'Not An Endpoint', '--split', '1=100'], /<endpoint> "Not An Endpoint"/],
      [['endpoint-undeploy', E], /<deployedModelId>: required/],
      [['endpoint-undeploy', E, '1', '2'], /unexpected argument "2" for endpoint-undeploy/],
      [['endpoints', 'x'], /unexpected argument "x" for endpoints/],
    ];
    for (const [argv, re] of cases) {
      assert.throws(() => parseArgs(argv), (e: unknown) => e instanceof UsageError && re.test(e.message), argv.join(' '));
    }
  });

  it('"ml-serving <command> --help" prints that command\'s own help, for every command', async function () {
    const commands = ['inspect', 'runs', 'models', 'services', 'predict', 'logs', 'deploy', 'traffic', 'compare', 'endpoints', 'endpoint-deploy', 'endpoint-traffic', 'endpoint-undeploy'];
    assert.deepEqual(Object.keys(COMMAND_HELP).sort(), [...commands].sort());
    for (const c of commands) {
      assert.deepEqual(parseArgs([c, '--bogus', '-h']), { command: 'help', topic: c });
      let out = '';
      const code = await runCli([c, '--help'], { env: {}, stdout: t => { out += t; }, stderr: () => undefined });
      assert.equal(code, 0, c);
      assert.ok(out.startsWith(`Usage: ml-serving ${c}`), `${c}: ${out.slice(0, 80)}`);
      assert.doesNotMatch(out, /^Commands:/m, `${c} prints its own help, not the general one`);
    }
    let general = '';
    await runCli(['--help'], { env: {}, stdout: t => { general += t; }, stderr: () => undefined });
    assert.match(general, /^Commands:/m);
    for (const c of commands) assert.match(general, new RegExp(`^  ${c}\\b`, 'm'), `the general help lists ${c}`);
  });
});

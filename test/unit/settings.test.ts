import { strict as assert } from 'node:assert';
import { parseSettings } from '../../src/common/settingsSchema';

const from = (o: Record<string, unknown>) => (k: string) => o[k];

describe('settings', () => {
  it('uses defaults when nothing is set', () => {
    const { settings, problems } = parseSettings(from({}));
    assert.deepEqual(problems, []);
    assert.equal(settings.project, '');
    assert.deepEqual(settings.regions, ['us-central1']);
    assert.equal(settings.runsPageSize, 50);
  });

  it('names the setting when a value has the wrong type, and keeps the default', () => {
    const { settings, problems } = parseSettings(from({ project: 42, regions: 'us-central1', 'runs.pageSize': 'many', 'services.showAll': 'yes' }));
    assert.equal(settings.project, '');
    assert.deepEqual(settings.regions, ['us-central1']);
    assert.equal(settings.runsPageSize, 50);
    assert.equal(settings.showAllServices, false);
    assert.ok(problems.some(p => p.startsWith('mlServing.project:')), problems.join('\n'));
    assert.ok(problems.some(p => p.startsWith('mlServing.regions:')));
    assert.ok(problems.some(p => p.startsWith('mlServing.runs.pageSize:')));
    assert.ok(problems.some(p => p.startsWith('mlServing.services.showAll:')));
  });

  it('rejects an invalid project id and unknown regions by name', () => {
    const { settings, problems } = parseSettings(from({ project: 'My Project', regions: ['us-central1', 'mars-north1'] }));
    assert.equal(settings.project, '');
    assert.deepEqual(settings.regions, ['us-central1']);
    assert.match(problems.join('\n'), /"My Project" is not a project id/);
    assert.match(problems.join('\n'), /unknown region\(s\) "mars-north1"/);
  });

  it('takes the emulator from the environment, loopback only', () => {
    assert.equal(parseSettings(from({}), { MLSERVING_EMULATOR: 'http://127.0.0.1:8680/' }).settings.emulator, 'http://127.0.0.1:8680');
    const bad = parseSettings(from({ emulator: 'http://10.0.0.5:8680' }));
    assert.equal(bad.settings.emulator, '');
    assert.match(bad.problems[0], /^mlServing\.emulator: expected a loopback URL/);
  });
});

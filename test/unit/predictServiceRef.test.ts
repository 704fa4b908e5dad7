// The service references another command may pass to Test Prediction (issue 16 item 1).
import { strict as assert } from 'node:assert';
import { parseServiceRef } from '../../src/features/predict/serviceRef';

const NAME = 'projects/demo-project/locations/us-central1/services/recs';

describe('Test Prediction: a service reference from another command', () => {
  it('accepts a resource name, {service} (the deploy notification) and {name, region, project}', () => {
    assert.equal(parseServiceRef(NAME), NAME);
    assert.equal(parseServiceRef({ service: NAME }), NAME);
    assert.equal(parseServiceRef({ name: NAME }), NAME);
    assert.equal(parseServiceRef({ name: 'recs', region: 'us-central1', project: 'demo-project' }), NAME);
  });

  it('refuses anything else', () => {
    for (const bad of [undefined, null, 3, '', 'recs', 'projects/p/locations/r/services/Bad_Name', { service: 3 }, { name: 'recs' }, { name: 'recs', region: 'us central', project: 'demo-project' }, { name: 'recs', region: 'us-central1', project: 'x/y' }, [NAME]]) {
      assert.equal(parseServiceRef(bad), undefined, JSON.stringify(bad));
    }
  });
});

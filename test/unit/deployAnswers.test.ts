import { strict as assert } from 'node:assert';
import { parseAnswers } from '../../src/features/deploy/deployOptions';

describe('deploy answers given up front', () => {
  it('accepts the known fields with their types', () => {
    assert.deepEqual(parseAnswers({ serviceName: 'svc', container: 'python', isPublic: false, minInstances: 1, yes: true }),
      { serviceName: 'svc', container: 'python', isPublic: false, minInstances: 1, yes: true });
    assert.deepEqual(parseAnswers(undefined), {});
  });
  it('rejects unknown fields and wrong types naming the field', () => {
    assert.throws(() => parseAnswers({ bogus: 1 }), /options\.bogus: unknown option/);
    assert.throws(() => parseAnswers({ container: 'gpu' }), /options\.container: expected "native" or "python"/);
    assert.throws(() => parseAnswers({ minInstances: 1.5 }), /options\.minInstances: expected a whole number/);
    assert.throws(() => parseAnswers({ isPublic: 'yes' }), /options\.isPublic: expected true or false/);
    assert.throws(() => parseAnswers({ serviceName: 7 }), /options\.serviceName: expected a string/);
    assert.throws(() => parseAnswers([1]), /options: expected an object/);
  });
});

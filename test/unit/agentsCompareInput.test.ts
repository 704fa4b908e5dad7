import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ValidationError } from '../../src/common/errors';
import { parseCompareInput } from '../../src/features/agents/compareInput';

const SVC = 'projects/p/locations/us-central1/services/reco';
const ROOT = path.resolve('/tmp/ws');
const ok = { service: SVC, a: 'reco-00001-abc', b: 'reco-00002-def' };

function refused(input: unknown, field: string, re: RegExp, root: string | null = ROOT) {
  assert.throws(() => parseCompareInput(input, root ?? undefined), (e: unknown) => {
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, re);
    return true;
  });
}

describe('agents: the compare tool\'s input', () => {
  it('takes service, a, b and defaults to the saved payloads', () => {
    assert.deepEqual(parseCompareInput(ok, ROOT), ok);
    assert.deepEqual(parseCompareInput({ ...ok, requests: '' }, ROOT), ok);
  });

  it('resolves a requests file inside the workspace', () => {
    assert.equal(parseCompareInput({ ...ok, requests: 'data/req.jsonl' }, ROOT).requests, path.join(ROOT, 'data', 'req.jsonl'));
    assert.equal(parseCompareInput({ ...ok, requests: path.join(ROOT, 'r.ndjson') }, ROOT).requests, path.join(ROOT, 'r.ndjson'));
  });

  it('names every bad field', () => {
    refused(null, 'input', /expected an object/);
    refused([ok], 'input', /expected an object/);
    refused({ ...ok, k: 5 }, 'k', /unknown field \(known: service, a, b, requests\)/);
    refused({ a: ok.a, b: ok.b }, 'service', /required/);
    refused({ ...ok, service: 'reco' }, 'service', /expected a Cloud Run service name/);
    refused({ service: SVC, b: ok.b }, 'a', /required/);
    refused({ ...ok, a: 'Reco_1' }, 'a', /expected a revision id/);
    refused({ ...ok, b: 7 }, 'b', /expected a revision id .*, got 7/);
    refused({ ...ok, b: ok.a }, 'b', /must differ from a/);
    refused({ ...ok, requests: 3 }, 'requests', /expected the path of a \.jsonl file/);
    refused({ ...ok, requests: 'req.json' }, 'requests', /expected a \.jsonl or \.ndjson file/);
    refused({ ...ok, requests: '../other/req.jsonl' }, 'requests', /outside the workspace folder/);
    refused({ ...ok, requests: '/etc/req.jsonl' }, 'requests', /outside the workspace folder/);
    refused({ ...ok, requests: 'req.jsonl' }, 'requests', /needs an open workspace folder/, null);
  });
});

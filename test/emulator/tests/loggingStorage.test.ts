import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { Emulator } from '../emulator';
import { bundle, clientOptions, postJson, startTestEmulator, sleep } from './harness';

const LOG = (id: string) => `projects/demo-project/logs/${encodeURIComponent(id)}`;
const resource = (svc: string, rev: string) => ({ type: 'cloud_run_revision', labels: { service_name: svc, revision_name: rev, location: 'us-central1', project_id: 'demo-project' } });

describe('emulator: Cloud Logging and Cloud Storage with the official clients', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let logging: any, storage: any;
  let now = 0;

  before(async () => {
    const started = await startTestEmulator();
    emu = started.emu;
    const l = bundle('logging');
    logging = new l.Logging({ projectId: 'demo-project', ...clientOptions(started.conn, 'logging', l.grpc) });
    const s = bundle('storage');
    storage = new s.Storage({ apiEndpoint: emu.endpoints.storage });
    now = Date.now();
    await postJson(`${emu.endpoints.admin}/logs`, [
      { logName: LOG('run.googleapis.com/stderr'), resource: resource('svc-a', 'svc-a-00001-abc'), severity: 'ERROR', textPayload: 'model failed to load', timestamp: new Date(now - 3000).toISOString() },
      { logName: LOG('run.googleapis.com/stdout'), resource: resource('svc-a', 'svc-a-00002-def'), severity: 'INFO', textPayload: 'serving requests', timestamp: new Date(now - 2000).toISOString() },
      { logName: LOG('run.googleapis.com/requests'), resource: resource('svc-b', 'svc-b-00001-xyz'), severity: 'WARNING', httpRequest: { requestMethod: 'POST', requestUrl: '/v1/models/m:predict', status: 429, latency: '0.25s' }, timestamp: new Date(now - 1000).toISOString() },
      { logName: LOG('run.googleapis.com/stdout'), resource: resource('svc-a', 'svc-a-00002-def'), severity: 'INFO', jsonPayload: { message: 'ready', port: 8501 }, timestamp: new Date(now - 500).toISOString() },
    ]);
  });
  after(async () => {
    await emu?.stop();
  });

  it('lists entries with resource, revision, severity, text and logName filters, newest first, paged', async () => {
    const [svcA] = await logging.getEntries({ filter: 'resource.type="cloud_run_revision" AND resource.labels.service_name="svc-a"' });
    assert.equal(svcA.length, 3);
    assert.deepEqual(svcA.map((e: any) => e.metadata.severity), ['INFO', 'INFO', 'ERROR']); // timestamp desc by default
    assert.deepEqual(svcA[0].data, { message: 'ready', port: 8501 });
    const [rev] = await logging.getEntries({ filter: 'resource.labels.revision_name="svc-a-00001-abc"' });
    assert.deepEqual(rev.map((e: any) => e.data), ['model failed to load']);
    const [warn] = await logging.getEntries({ filter: 'severity>=WARNING' });
    assert.equal(warn.length, 2);
    const req = warn.find((e: any) => e.metadata.httpRequest);
    assert.equal(req.metadata.httpRequest.status, 429);
    const [text] = await logging.getEntries({ filter: '"failed to load"' });
    assert.equal(text.length, 1);
    const [byLog] = await logging.getEntries({ filter: `logName="${LOG('run.googleapis.com/stdout')}"`, orderBy: 'timestamp asc' });
    assert.deepEqual(byLog.map((e: any) => typeof e.data === 'string' ? e.data : e.data.message), ['serving requests', 'ready']);
    const [old] = await logging.getEntries({ filter: `timestamp<="${new Date(now - 2500).toISOString()}"` });
    assert.equal(old.length, 1);
    const [p1, q1] = await logging.getEntries({ pageSize: 2, autoPaginate: false });
    assert.equal(p1.length, 2);
    const [p2] = await logging.getEntries({ pageSize: 2, autoPaginate: false, pageToken: q1.pageToken });
    assert.equal(p2.length, 2);
    assert.equal(new Set([...p1, ...p2].map((e: any) => e.metadata.insertId)).size, 4);
    await assert.rejects(logging.getEntries({ filter: 'severity>=LOUD' }), (e: any) => e.code === 3 && /severity: unknown level "LOUD"/.test(e.details));
  });

  it('tails live entries over the bidi stream, and shows suppressionInfo under a rate-limit fault', async () => {
    const stream = logging.tailEntries({ filter: 'resource.labels.service_name="svc-tail"' });
    const got: any[] = [];
    const suppressed: any[] = [];
    stream.on('data', (resp: any) => { got.push(...resp.entries); if (resp.suppressionInfo?.length) suppressed.push(...resp.suppressionInfo); });
    const errors: any[] = [];
    stream.on('error', (e: any) => errors.push(e));
    await sleep(300); // the session opens before entries are written
    await postJson(`${emu.endpoints.admin}/logs`, [
      { logName: LOG('run.googleapis.com/stdout'), resource: resource('svc-tail', 'svc-tail-00001-aaa'), textPayload: 'line 1' },
      { logName: LOG('run.googleapis.com/stdout'), resource: resource('other', 'other-00001-aaa'), textPayload: 'not mine' },
      { logName: LOG('run.googleapis.com/stdout'), resource: resource('svc-tail', 'svc-tail-00001-aaa'), textPayload: 'line 2' },
    ]);
    for (let i = 0; i < 40 && got.length < 2; i++) await sleep(50);
    assert.deepEqual(got.map(e => e.data), ['line 1', 'line 2']);
    await postJson(`${emu.endpoints.admin}/faults`, { kind: 'tailRateLimit' });
    await postJson(`${emu.endpoints.admin}/logs`, [1, 2, 3].map(i => ({ logName: LOG('run.googleapis.com/stdout'), resource: resource('svc-tail', 'svc-tail-00001-aaa'), textPayload: `burst ${i}` })));
    for (let i = 0; i < 40 && !suppressed.length; i++) await sleep(50);
    assert.deepEqual(suppressed, [{ reason: 'RATE_LIMIT', suppressedCount: 3 }]);
    assert.equal(got.length, 2);
    await fetch(`${emu.endpoints.admin}/faults`, { method: 'DELETE' });
    stream.end();
    await sleep(100);
    assert.deepEqual(errors, []);
  });

  it('lists objects with prefixes and paging, reads metadata and downloads with a valid hash', async () => {
    const bucket = storage.bucket('demo-project-models');
    const [files, , apiResp] = await bucket.getFiles({ prefix: 'recsys-retrieval/pushed_model/', delimiter: '/', autoPaginate: false });
    assert.equal(files.length, 0);
    assert.ok(apiResp.prefixes.length >= 1);
    for (const p of apiResp.prefixes) assert.match(p, /^recsys-retrieval\/pushed_model\/\d+\/$/);
    const version = apiResp.prefixes[0];
    const [all] = await bucket.getFiles({ prefix: version });
    assert.deepEqual(all.map((f: any) => f.name.slice(version.length)).sort(), ['fingerprint.pb', 'saved_model.pb', 'variables/variables.data-00000-of-00001', 'variables/variables.index']);
    const [page1, next] = await bucket.getFiles({ prefix: version, maxResults: 2, autoPaginate: false });
    assert.equal(page1.length, 2);
    const [page2] = await bucket.getFiles({ prefix: version, maxResults: 2, autoPaginate: false, pageToken: next.pageToken });
    assert.deepEqual([...page1, ...page2].map((f: any) => f.name).sort(), all.map((f: any) => f.name).sort());
    const file = bucket.file(`${version}saved_model.pb`);
    const [md] = await file.getMetadata();
    const onDisk = fs.readFileSync(path.join(emu.dataDir, 'demo-project-models', `${version}saved_model.pb`));
    assert.equal(Number(md.size), onDisk.length);
    assert.equal(md.md5Hash, createHash('md5').update(onDisk).digest('base64'));
    const [data] = await file.download(); // the client checks crc32c/md5 from x-goog-hash
    assert.ok(data.equals(onDisk));
    await assert.rejects(bucket.file('nope').download(), (e: any) => e.code === 404);
    await assert.rejects(storage.bucket('no-such-bucket').getFiles(), (e: any) => e.code === 404);
  });
});

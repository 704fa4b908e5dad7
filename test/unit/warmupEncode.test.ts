import { strict as assert } from 'node:assert';
import { CRC32C } from '@google-cloud/storage';
import * as protobuf from 'protobufjs';
import { buildWarmupFile, MAX_WARMUP_RECORDS, requestFromPayload } from '../../src/serving/warmup/fromPayloads';
import { encodePredictionLog, jsonToTensor } from '../../src/serving/warmup/predictionLog';
import { crc32c, frameRecord, maskCrc, readTfRecords, writeTfRecords } from '../../src/serving/warmup/tfrecord';

/** Raw protobuf fields of a message, read with the bare wire-format reader (no schema of ours). */
function fields(bytes: Uint8Array): Array<{ no: number; wire: number; value: Uint8Array | number }> {
  const r = protobuf.Reader.create(bytes);
  const out: Array<{ no: number; wire: number; value: Uint8Array | number }> = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    const no = tag >>> 3, wire = tag & 7;
    if (wire === 2) out.push({ no, wire, value: r.bytes() });
    else if (wire === 0) out.push({ no, wire, value: Number(r.int64()) });
    else if (wire === 5) out.push({ no, wire, value: r.fixed32() });
    else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}
const only = (bytes: Uint8Array, no: number) => fields(bytes).filter(f => f.no === no);

const independentCrc = (data: Uint8Array): number => {
  const c = new CRC32C();
  c.update(Buffer.from(data));
  return Buffer.from(c.toString(), 'base64').readUInt32BE(0);
};

describe('warm-up file encoder', () => {
  it('CRC32C matches the standard check value and the Storage client', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 0xff);
    assert.equal(crc32c(data), independentCrc(data));
  });

  it('frames a record as TFRecord: length, masked length CRC, data, masked data CRC', () => {
    const data = new TextEncoder().encode('hello warm-up');
    const f = Buffer.from(frameRecord(data));
    assert.equal(f.length, 8 + 4 + data.length + 4);
    assert.equal(Number(f.readBigUInt64LE(0)), data.length);
    const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) % 2 ** 32;
    assert.equal(f.readUInt32LE(8), mask(independentCrc(f.subarray(0, 8))));
    assert.deepEqual(f.subarray(12, 12 + data.length), Buffer.from(data));
    assert.equal(f.readUInt32LE(12 + data.length), mask(independentCrc(data)));
    assert.equal(maskCrc(0), 0xa282ead8);
    const file = writeTfRecords([data, new Uint8Array(0), data]);
    assert.deepEqual(readTfRecords(file).map(d => Buffer.from(d).toString()), ['hello warm-up', '', 'hello warm-up']);
    const corrupt = Uint8Array.from(file);
    corrupt[14] ^= 1;
    assert.throws(() => readTfRecords(corrupt), /bad data CRC/);
  });

  it('writes PredictionLog.predict_log(6).request(1) with model_spec(1){name 1, signature_name 3} and inputs(2) map of TensorProto', () => {
    const rec = encodePredictionLog({
      modelName: 'retrieval', signatureName: 'serving_default',
      inputs: { user_id: jsonToTensor(['u1', 'u2'], 'user_id', 'DT_STRING'), k: jsonToTensor([[1, 2, 3]], 'k', 'DT_INT32') },
    });
    const predictLog = only(rec, 6);
    assert.equal(predictLog.length, 1);
    assert.equal(fields(rec).length, 1);
    const request = only(predictLog[0].value as Uint8Array, 1)[0].value as Uint8Array;
    const spec = only(request, 1)[0].value as Uint8Array;
    assert.equal(Buffer.from(only(spec, 1)[0].value as Uint8Array).toString(), 'retrieval');
    assert.equal(Buffer.from(only(spec, 3)[0].value as Uint8Array).toString(), 'serving_default');
    const entries = only(request, 2).map(e => {
      const kv = e.value as Uint8Array;
      return { key: Buffer.from(only(kv, 1)[0].value as Uint8Array).toString(), tensor: only(kv, 2)[0].value as Uint8Array };
    });
    const byKey = Object.fromEntries(entries.map(e => [e.key, e.tensor]));
    assert.deepEqual(Object.keys(byKey).sort(), ['k', 'user_id']);
    // TensorProto: dtype(1) DT_STRING=7, tensor_shape(2).dim(2).size(1), string_val(8).
    const s = byKey.user_id;
    assert.equal(only(s, 1)[0].value, 7);
    const dims = only(only(s, 2)[0].value as Uint8Array, 2).map(d => only(d.value as Uint8Array, 1)[0].value);
    assert.deepEqual(dims, [2]);
    assert.deepEqual(only(s, 8).map(v => Buffer.from(v.value as Uint8Array).toString()), ['u1', 'u2']);
    // DT_INT32=3 in int_val(7), packed; shape [1, 3].
    const k = byKey.k;
    assert.equal(only(k, 1)[0].value, 3);
    assert.deepEqual(only(only(k, 2)[0].value as Uint8Array, 2).map(d => only(d.value as Uint8Array, 1)[0].value), [1, 3]);
    const packed = protobuf.Reader.create(only(k, 7)[0].value as Uint8Array);
    const ints: number[] = [];
    while (packed.pos < packed.len) ints.push(packed.int32());
    assert.deepEqual(ints, [1, 2, 3]);
  });

  it('turns row and columnar REST bodies into batched tensors typed by the signature', () => {
    const sigs = { serving_default: { user_id: { dtype: 'DT_STRING' }, n: { dtype: 'DT_INT64' } }, one: { x: { dtype: 'DT_FLOAT' } } };
    const rows = requestFromPayload({ name: 'p', signature: '', body: '{"instances":[{"user_id":"a","n":1},{"user_id":"b","n":2}]}' }, 'm', sigs);
    assert.deepEqual(rows.inputs.user_id.shape, [2]);
    assert.deepEqual(rows.inputs.n, { dtype: 'DT_INT64', shape: [2], values: [1, 2] });
    const cols = requestFromPayload({ name: 'q', signature: 'one', body: '{"inputs":[[1.5,2],[3,4]]}' }, 'm', sigs);
    assert.deepEqual(cols.inputs.x, { dtype: 'DT_FLOAT', shape: [2, 2], values: [1.5, 2, 3, 4] });
    assert.equal(cols.signatureName, 'one');
    assert.throws(() => requestFromPayload({ name: 'bad', signature: '', body: '{"instances":[{"user_id":"a","n":1.5}]}' }, 'm', sigs), /payload "bad".*n.*integer/);
    assert.throws(() => requestFromPayload({ name: 'bad', signature: '', body: '{"instances":[{"user":"a"}]}' }, 'm', sigs), /"user" is not an input/);
    assert.throws(() => requestFromPayload({ name: 'bad', signature: 'one', body: '{"inputs":[[1],[2,3]]}' }, 'm', sigs), /ragged/);
  });

  it('keeps at most 1,000 records and says which payloads it skipped and why', () => {
    const payloads = Array.from({ length: MAX_WARMUP_RECORDS + 2 }, (_, i) => ({ name: `p${i}`, signature: '', body: `{"instances":[${i}]}` }));
    payloads.unshift({ name: 'broken', signature: '', body: '{' });
    const f = buildWarmupFile(payloads, 'm', { serving_default: { x: { dtype: 'DT_INT64' } } });
    assert.equal(f.records, MAX_WARMUP_RECORDS);
    assert.equal(readTfRecords(f.bytes).length, MAX_WARMUP_RECORDS);
    assert.deepEqual(f.skipped.map(s => s.name), ['broken', 'p1000', 'p1001']);
    assert.match(f.skipped[0].reason, /not valid JSON/);
  });
});

/**
 * Saved Test Prediction payloads (TF Serving REST bodies) → warm-up requests → the bytes of
 * `assets.extra/tf_serving_warmup_requests`. Pure: the caller reads payloads and writes the file.
 */
import { encodePredictionLog, jsonToTensor, type TensorValue, type WarmupRequest } from './predictionLog';
import { writeTfRecords } from './tfrecord';
import { DEFAULT_SIGNATURE } from '../savedModel/types';

/** TF Serving refuses a warm-up file with more records (WarmupConsts::kMaxNumRecords). */
export const MAX_WARMUP_RECORDS = 1000;
export { WARMUP_FILE } from './file';

export interface PayloadLike {
  name: string;
  signature: string;
  body: string;
}

/** Input dtypes by signature, from the model's SavedModel (unknown signatures infer dtypes). */
export type SignatureInputs = Record<string, Record<string, { dtype: string }>>;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(Object.keys(v).length === 1 && 'b64' in v);

/** One REST predict body → one PredictRequest; errors name the payload and the field. */
export function requestFromPayload(p: PayloadLike, modelName: string, signatures?: SignatureInputs): WarmupRequest {
  const where = `payload "${p.name}"`;
  let body: unknown;
  try {
    body = JSON.parse(p.body);
  } catch (e) {
    throw new Error(`${where}: body is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(body)) throw new Error(`${where}: body must be a JSON object with "instances" or "inputs"`);
  const fromBody = typeof body.signature_name === 'string' ? body.signature_name : undefined;
  const signatureName = p.signature || fromBody || DEFAULT_SIGNATURE;
  const spec = signatures?.[signatureName];
  if (signatures && !spec) throw new Error(`${where}: signature "${signatureName}" is not in the model (has: ${Object.keys(signatures).join(', ') || 'none'})`);
  const dtypeOf = (input: string, field: string): string | undefined => {
    if (!spec) return undefined;
    if (!spec[input]) throw new Error(`${where}: ${field}: "${input}" is not an input of signature "${signatureName}" (has: ${Object.keys(spec).join(', ')})`);
    return spec[input].dtype;
  };
  const soleInput = (field: string): string => {
    const names = spec ? Object.keys(spec) : [];
    if (names.length !== 1) {
      throw new Error(`${where}: ${field}: unnamed values need a signature with exactly one input${spec ? ` ("${signatureName}" has ${names.length})` : ' (the model\'s signatures are unknown)'}; name the inputs`);
    }
    return names[0];
  };
  const inputs: Record<string, TensorValue> = {};
  if ('instances' in body) {
    const rows = body.instances;
    if (!Array.isArray(rows) || rows.length === 0) throw new Error(`${where}: instances: expected a non-empty list`);
    if (rows.every(isPlainObject)) {
      const keys = Object.keys(rows[0]).sort();
      rows.forEach((r, i) => {
        const k = Object.keys(r).sort();
        if (k.join('\0') !== keys.join('\0')) throw new Error(`${where}: instances[${i}]: has inputs ${k.join(', ')}; instances[0] has ${keys.join(', ')}`);
      });
      for (const k of keys) inputs[k] = jsonToTensor(rows.map(r => r[k]), `${where}: instances[*].${k}`, dtypeOf(k, `instances[0].${k}`));
    } else {
      if (rows.some(isPlainObject)) throw new Error(`${where}: instances: mixes named (objects) and unnamed values`);
      const name = soleInput('instances');
      inputs[name] = jsonToTensor(rows, `${where}: instances`, dtypeOf(name, 'instances'));
    }
  } else if ('inputs' in body) {
    if (isPlainObject(body.inputs)) {
      for (const [k, v] of Object.entries(body.inputs)) inputs[k] = jsonToTensor(v, `${where}: inputs.${k}`, dtypeOf(k, `inputs.${k}`));
    } else {
      const name = soleInput('inputs');
      inputs[name] = jsonToTensor(body.inputs, `${where}: inputs`, dtypeOf(name, 'inputs'));
    }
  } else {
    throw new Error(`${where}: body has neither "instances" nor "inputs"`);
  }
  if (spec) {
    const missing = Object.keys(spec).filter(k => !(k in inputs));
    if (missing.length) throw new Error(`${where}: missing input${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of signature "${signatureName}"`);
  }
  return { modelName, signatureName, inputs };
}

export interface WarmupFile {
  bytes: Uint8Array;
  records: number;
  /** Payloads left out, with why. */
  skipped: Array<{ name: string; reason: string }>;
}

/** Builds the file from payloads; payloads that do not fit the model are skipped with the reason. */
export function buildWarmupFile(payloads: PayloadLike[], modelName: string, signatures?: SignatureInputs): WarmupFile {
  const records: Uint8Array[] = [];
  const skipped: WarmupFile['skipped'] = [];
  for (const p of payloads) {
    if (records.length >= MAX_WARMUP_RECORDS) {
      skipped.push({ name: p.name, reason: `TF Serving accepts at most ${MAX_WARMUP_RECORDS} warm-up records` });
      continue;
    }
    try {
      records.push(encodePredictionLog(requestFromPayload(p, modelName, signatures)));
    } catch (e) {
      skipped.push({ name: p.name, reason: (e as Error).message });
    }
  }
  return { bytes: writeTfRecords(records), records: records.length, skipped };
}

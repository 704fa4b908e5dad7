/**
 * Model status and metadata bodies (http_rest_api_util.cc ToJsonString): protobuf JSON with
 * whitespace; metadata is stitched from two printed messages exactly as TF Serving concatenates them.
 */
import type { Signature, TensorSpec } from '../../../src/serving/savedModel/types';
import { protoJson, type ProtoJson } from './json/protoJson';
import type { ServedVersion } from './servable';

export function statusBody(versions: ServedVersion[], state: 'AVAILABLE' | 'LOADING' = 'AVAILABLE'): string {
  return protoJson({
    model_version_status: versions.map(v => ({
      version: v.version,
      state,
      status: { error_code: 'OK', error_message: '' },
    })),
  });
}

function tensorInfo(t: TensorSpec): ProtoJson {
  return {
    dtype: t.dtype,
    tensor_shape: {
      dim: (t.shape ?? []).map(size => ({ size: String(size), name: '' })),
      unknown_rank: t.shape === undefined,
    },
    name: t.name,
  };
}

function signatureDef(s: Signature): ProtoJson {
  const map = (m: Record<string, TensorSpec>) => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, tensorInfo(t)]));
  return { inputs: map(s.inputs), outputs: map(s.outputs), method_name: s.methodName, defaults: {} };
}

/**
 * GET .../metadata. `__saved_model_init_op` is not listed: the project's SavedModel reader drops
 * it, so the stand-in never receives it (real TF Serving does list it for TF2 exports).
 */
export function metadataBody(modelName: string, served: ServedVersion): string {
  const spec = protoJson({ name: modelName, signature_name: '', version: served.version });
  const sigs: Record<string, ProtoJson> = {};
  for (const [key, sig] of Object.entries(served.signatures)) {
    if (key !== '__saved_model_init_op') sigs[key] = signatureDef(sig);
  }
  const defs = protoJson({ signature_def: sigs });
  return `{\n"model_spec":${spec},\n"metadata": {"signature_def": ${defs}}\n}\n`;
}

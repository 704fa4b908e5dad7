/**
 * protobuf's MessageToJsonString layout with `add_whitespace` (1-space indent, trailing newline at
 * the root), used by TF Serving for model status and metadata bodies. Values are already in proto3
 * JSON form (int64 as strings, enums as names); key order is the caller's.
 */
import { quote } from './prettyWriter';

export type ProtoJson = string | number | boolean | ProtoJson[] | { [k: string]: ProtoJson };

export function protoJson(v: ProtoJson, depth = 0, root = true): string {
  const pad = (d: number) => ' '.repeat(d);
  let s: string;
  if (Array.isArray(v)) {
    s = v.length === 0 ? '[]'
      : `[\n${v.map(x => pad(depth + 1) + protoJson(x, depth + 1, false)).join(',\n')}\n${pad(depth)}]`;
  } else if (typeof v === 'object') {
    const entries = Object.entries(v);
    s = entries.length === 0 ? '{}'
      : `{\n${entries.map(([k, x]) => `${pad(depth + 1)}${quote(k)}: ${protoJson(x, depth + 1, false)}`).join(',\n')}\n${pad(depth)}}`;
  } else if (typeof v === 'string') s = quote(v);
  else s = String(v);
  return root ? s + '\n' : s;
}

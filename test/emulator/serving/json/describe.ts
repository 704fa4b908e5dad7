/**
 * How TF Serving quotes a JSON value inside an error message (json_tensor.cc JsonValueToString):
 * floats and doubles through WriteDecimal, everything else through rapidjson's PrettyWriter.
 */
import { formatDecimal, formatRapidDouble } from './numbers';
import type { JValue } from './parse';
import { PrettyWriter } from './prettyWriter';

const FLT_MAX = 3.4028234e38;

export function jsonValueToString(v: JValue): string {
  if (v.t === 'num' && v.kind === 'double') {
    // rapidjson IsFloat(): a double within float range (NaN and infinities are not).
    return formatDecimal(v.v, v.v >= -FLT_MAX && v.v <= FLT_MAX ? 'float' : 'double');
  }
  const w = new PrettyWriter();
  const emit = (x: JValue) => {
    switch (x.t) {
      case 'null': w.raw('null'); break;
      case 'bool': w.bool(x.v); break;
      case 'str': w.string(x.v); break;
      case 'num': w.raw(x.kind === 'double' ? formatRapidDouble(x.v) : String(x.big ?? x.v)); break;
      case 'arr': w.startArray(); x.items.forEach(emit); w.endArray(); break;
      case 'obj': w.startObject(); for (const [k, m] of x.members) { w.key(k); emit(m); } w.endObject(); break;
    }
  };
  emit(v);
  return w.toString();
}

/** json_tensor.cc JsonTypeString. */
export function jsonTypeString(v: JValue): string {
  switch (v.t) {
    case 'null': return 'Null';
    case 'bool': return v.v ? 'True' : 'False';
    case 'obj': return 'Object';
    case 'arr': return 'Array';
    case 'str': return 'String';
    case 'num': return 'Number';
  }
}

"""Response bodies as TF Serving writes them: predictions/outputs (util/json_tensor.cc
MakeJsonFromTensors), model status and metadata (protobuf JSON), errors (MakeJsonFromStatus).

NaN, Infinity and -Infinity are written unquoted, as TF Serving writes them (not strict JSON).
Whole tensors are converted by numpy; float32 values are written with six significant digits
when that reads back to the same value (0.1, not 0.10000000149011612), nine otherwise, as TF
Serving's FloatToBuffer does.
"""

import base64
import json

import numpy as np

from tfs_errors import invalid_argument

JSON_CONTENT_TYPE = "application/json"


def dumps(value):
    return json.dumps(value, allow_nan=True, ensure_ascii=False, separators=(", ", ": "))


def error_body(message):
    # TF Serving's PrettyWriter layout: {\n    "error": "..."\n}
    return json.dumps({"error": message}, indent=4, ensure_ascii=False)


def _b64(value):
    return {"b64": base64.b64encode(value).decode("ascii")}


def _text(value):
    if isinstance(value, bytes):
        # TF Serving copies the raw bytes; invalid UTF-8 would make the body unreadable JSON.
        # Outputs named *_bytes are sent as {"b64": ...} and keep every byte.
        return value.decode("utf-8", errors="replace")
    return str(value)


def _nest(flat, shape):
    """A flat list as nested lists of the given shape (C order)."""
    if len(shape) <= 1:
        return flat
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _strings_to_json(array, convert):
    """String tensors: one list comprehension over the flat values (faster than np.frompyfunc
    for the 6,400 product ids of a batch of 64 top-100 answers), then nested to the shape."""
    if array.ndim == 0:
        return convert(array.item())
    return _nest([convert(v) for v in array.reshape(-1).tolist()], array.shape)


def _round_significant(x, exponent, digits):
    """x rounded to `digits` significant digits, as the double nearest that decimal: one exact
    power of ten and one rounding each way (callers keep |places| <= 22, where 10**n is exact)."""
    places = digits - 1 - exponent
    up = places >= 0
    scale = np.power(10.0, np.abs(places))
    m = np.round(np.where(up, x * scale, x / scale))
    return np.where(up, m / scale, m * scale)


def float32_decimals(array):
    """float32 (or float16) values as float64s that print with few digits: six significant digits
    when they read back to the same float32, else nine (TF Serving's FloatToBuffer). Vectorised;
    values too large or small for exact powers of ten use numpy's shortest repr instead."""
    f32 = array.astype(np.float32)
    out = f32.astype(np.float64)
    nonzero = np.isfinite(out) & (out != 0)
    if not nonzero.any():
        return out
    x = out[nonzero]
    exponent = np.floor(np.log10(np.abs(x))).astype(np.int64)
    exact = (exponent >= -13) & (exponent <= 13)
    r6 = _round_significant(x, exponent, 6)
    r9 = _round_significant(x, exponent, 9)
    chosen = np.where(r6.astype(np.float32) == x.astype(np.float32), r6, r9)
    if not exact.all():
        chosen[~exact] = x[~exact].astype(np.float32).astype(str).astype(np.float64)
    out[nonzero] = chosen
    return out


def tensor_to_json(name, array):
    """A numpy output tensor as nested JSON lists (a bare value for a scalar)."""
    array = np.asarray(array)
    kind = array.dtype.kind
    if kind == "f":
        if array.dtype.itemsize < 8:
            return float32_decimals(array).tolist()
        return array.tolist()
    if kind in "iub":
        return array.tolist()
    if kind in "OSU":
        if array.size == 0:
            return array.tolist()
        convert = _b64 if name.endswith("_bytes") and kind != "U" else _text
        return _strings_to_json(array, convert)
    raise invalid_argument("Failed to write JSON value for tensor type: ", array.dtype.name)


def predict_body(outputs, request_format):
    """{"predictions": ...} for row requests, {"outputs": ...} for columnar ones."""
    names = sorted(outputs)
    if not names:
        raise invalid_argument("Cannot convert empty tensor map to JSON")
    arrays = {name: np.asarray(outputs[name]) for name in names}
    if request_format == "columnar":
        if len(names) == 1:
            return dumps({"outputs": tensor_to_json(names[0], arrays[names[0]])})
        return dumps({"outputs": {name: tensor_to_json(name, arrays[name]) for name in names}})
    batch = None
    for name in names:
        shape = arrays[name].shape
        if len(shape) == 0:
            raise invalid_argument("Tensor name: ", name, " has no shape information ")
        if batch is not None and shape[0] != batch:
            raise invalid_argument("Tensor name: ", name, " has inconsistent batch size: ", shape[0],
                                   " expecting: ", batch)
        batch = shape[0]
    if len(names) == 1:
        return dumps({"predictions": tensor_to_json(names[0], arrays[names[0]])})
    columns = {name: tensor_to_json(name, arrays[name]) for name in names}
    rows = [{name: columns[name][i] for name in names} for i in range(batch)]
    return dumps({"predictions": rows})


def status_body(versions):
    return dumps({"model_version_status": [
        {"version": v, "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
        for v in versions]})


def _tensor_info(spec):
    dims = [] if spec.shape is None else [{"size": str(d), "name": ""} for d in spec.shape]
    return {"dtype": spec.dtype,
            "tensor_shape": {"dim": dims, "unknown_rank": spec.shape is None},
            "name": spec.name}


def _signature_def(sig):
    return {"inputs": {k: _tensor_info(v) for k, v in sig.inputs.items()},
            "outputs": {k: _tensor_info(v) for k, v in sig.outputs.items()},
            "method_name": sig.method_name,
            "defaults": {}}


def metadata_body(model_name, version, signatures):
    """GET .../metadata: signature_def nested twice (a SignatureDefMap inside the metadata map);
    versions and sizes are strings (int64 in proto JSON); __saved_model_init_op is not listed."""
    defs = {key: _signature_def(sig) for key, sig in signatures.items() if key != "__saved_model_init_op"}
    return dumps({"model_spec": {"name": model_name, "signature_name": "", "version": version},
                  "metadata": {"signature_def": {"signature_def": defs}}})

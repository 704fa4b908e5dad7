"""Predict request bodies to numpy tensors, with TF Serving's checks and error texts
(util/json_tensor.cc FillPredictRequestFromJson), in the same order.

Each input is converted as a whole batch by numpy: one object array, one vectorised type check,
one cast. When a batch fails, the failing instance is located from the same vectorised checks (or,
for ragged batches, by comparing item shapes) and only that instance is converted again, to name
the first offending value the way TF Serving does.

Unlike TF Serving, values quoted in error messages are cut to MAX_ECHO characters: an error body
never echoes a large request back.
"""

import base64
import binascii
import json
import math
import re

import numpy as np

from tfs_errors import TfServingError, invalid_argument, unimplemented

# TF dtype -> (numpy dtype, JSON types allowed). bool is not int here: type() is compared exactly.
_FLOATS = {"DT_FLOAT": np.float32, "DT_DOUBLE": np.float64, "DT_HALF": np.float16,
           # numpy has no bfloat16; the backend casts float32 to it.
           "DT_BFLOAT16": np.float32}
_INTS = {"DT_INT8": np.int8, "DT_INT16": np.int16, "DT_INT32": np.int32, "DT_INT64": np.int64,
         "DT_UINT8": np.uint8, "DT_UINT16": np.uint16, "DT_UINT32": np.uint32, "DT_UINT64": np.uint64}
_FLT_MAX = float(np.finfo(np.float32).max)
# IsLosslessDecimal: integers must fit the mantissa of the target type.
_MAX_EXACT_INT = {"DT_FLOAT": 2 ** 24 - 1, "DT_BFLOAT16": 2 ** 24 - 1, "DT_HALF": 2 ** 24 - 1,
                  "DT_DOUBLE": 2 ** 53 - 1}

_type_of = np.frompyfunc(type, 1, 1)


class RequestFormat:
    ROW = "row"
    COLUMNAR = "columnar"


def data_type_string(dtype):
    """tensorflow::DataTypeString: DT_FLOAT -> float."""
    return dtype[3:].lower() if dtype.startswith("DT_") else dtype.lower()


MAX_ECHO = 200


def bounded(text, limit=MAX_ECHO):
    if len(text) <= limit:
        return text
    return "%s... (%d characters)" % (text[:limit], len(text))


def json_text(value):
    """How a JSON value is quoted inside TF Serving's error messages (compact), cut to MAX_ECHO."""
    if isinstance(value, (dict, list)) and _larger_than(value, MAX_ECHO):
        # Do not serialise a whole large request just to cut it.
        head = value[:8] if isinstance(value, list) else dict(list(value.items())[:8])
        text = json.dumps(head, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
        return "%s... (%s of %d items)" % (text[:MAX_ECHO], "list" if isinstance(value, list) else "object", len(value))
    return bounded(json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=True))


def _larger_than(value, limit):
    """Whether value's JSON text is longer than limit, without serialising all of it."""
    budget = [limit]

    def walk(v):
        if budget[0] < 0:
            return
        if isinstance(v, dict):
            for k, x in v.items():
                budget[0] -= len(k) + 4
                walk(x)
                if budget[0] < 0:
                    return
        elif isinstance(v, list):
            for x in v:
                budget[0] -= 1
                walk(x)
                if budget[0] < 0:
                    return
        else:
            budget[0] -= len(v) + 2 if isinstance(v, str) else 8
    walk(value)
    return budget[0] < 0


def json_type(value):
    """json_tensor.cc JsonTypeString."""
    if value is None:
        return "Null"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, str):
        return "String"
    return "Number"


# rapidjson's GetParseError_En texts for the errors Python's json module reports.
_PARSE_REASONS = [
    ("Expecting value", "Invalid value."),
    ("Expecting property name enclosed in double quotes", "Missing a name for object member."),
    ("Expecting ':' delimiter", "Missing a colon after a name of object member."),
    ("Expecting ',' delimiter", "Missing a comma or ']' after an array element."),
    ("Extra data", "The document root must not be followed by other values."),
    ("Unterminated string", "Missing a closing quotation mark in string."),
    ("Invalid control character", "Invalid encoding in string."),
    ("Invalid \\escape", "Invalid escape character in string."),
    ("Invalid \\uXXXX escape", "Incorrect hex digit after \\u escape in string."),
]


def parse_body(body):
    """ParseJson: the body must be one JSON object. NaN and Infinity are accepted, as TF Serving
    accepts them."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise invalid_argument("JSON Parse error: Invalid encoding in string. at offset: ", e.start)
    if body == "":
        raise invalid_argument("JSON Parse error: The document is empty")
    try:
        doc = json.loads(body)
    except json.JSONDecodeError as e:
        if body.strip() == "":
            raise invalid_argument("JSON Parse error: The document is empty")
        reason = next((tf for py, tf in _PARSE_REASONS if e.msg.startswith(py)), e.msg)
        raise invalid_argument("JSON Parse error: ", reason, " at offset: ", e.pos)
    except RecursionError:
        raise invalid_argument("JSON Parse error: document nested too deeply")
    if not isinstance(doc, dict):
        raise invalid_argument("JSON Value: ", json_text(doc), " Is not object")
    return doc


def signature_name_of(doc):
    """The optional signature_name ("" when absent)."""
    name = doc.get("signature_name")
    if name is None and "signature_name" not in doc:
        return ""
    if not isinstance(name, str):
        raise invalid_argument("JSON Value: ", json_text(doc),
                               " not formatted correctly. 'signature_name' key must be a string value.")
    return name


def _is_b64(value):
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get("b64"), str)


def _is_element_object(value):
    return isinstance(value, dict) and not _is_b64(value)


def too_many(count, limit):
    return invalid_argument("Request has ", count, " instances; this server accepts at most ", limit,
                            " per request (MAX_INSTANCES_PER_REQUEST): split it into smaller requests")


def read_predict_request(doc, input_specs, max_instances=None):
    """(format, {input name: numpy array}) for a parsed predict body. input_specs maps each input
    of the chosen signature to its TensorSpec; max_instances caps the batch (None: no cap)."""
    if not input_specs:
        raise invalid_argument("Failed to get input map for signature: ",
                               bounded(doc.get("signature_name") or "DEFAULT"))
    has_instances = "instances" in doc
    has_inputs = "inputs" in doc
    if has_instances:
        if has_inputs:
            raise invalid_argument("JSON Value: ", json_text(doc), " Not formatted correctly expecting only"
                                   " one of 'inputs' or 'instances' keys to exist ")
        instances = doc["instances"]
        if not isinstance(instances, list):
            raise invalid_argument("JSON Value: ", json_text(doc), " Excepting 'instances' to be an list/array")
        if not instances:
            raise invalid_argument("JSON Value: ", json_text(doc), " No values in 'instances' array")
        if max_instances is not None and len(instances) > max_instances:
            raise too_many(len(instances), max_instances)
        return RequestFormat.ROW, _from_instances(instances, input_specs)
    if has_inputs:
        if max_instances is not None:
            value = doc["inputs"]
            columns = value.values() if isinstance(value, dict) and not _is_b64(value) else [value]
            longest = max((len(v) for v in columns if isinstance(v, list)), default=0)
            if longest > max_instances:
                raise too_many(longest, max_instances)
        return RequestFormat.COLUMNAR, _from_inputs(doc["inputs"], input_specs)
    raise invalid_argument("Missing 'inputs' or 'instances' key")


def _from_instances(instances, specs):
    names = list(specs)
    if not isinstance(instances[0], dict) and len(names) > 1:
        raise invalid_argument("instances is a plain list, but expecting list of objects as multiple input"
                               " tensors required as per tensorinfo_map")
    if not _is_element_object(instances[0]):
        # One input: the instances list is the batch.
        bad = next((i for i, x in enumerate(instances) if _is_element_object(x)), None)
        if bad is not None:
            raise invalid_argument("Expecting value/list but got object at item ", bad, " of input list")
        return {names[0]: _batch(instances, specs[names[0]], "'instances' list", None)}
    expected = set(names)
    for index, item in enumerate(instances):
        if not _is_element_object(item):
            raise invalid_argument("Expecting object but got list at item ", index, " of input list")
        unknown = next((k for k in item if k not in specs), None)
        if unknown is not None:
            unknown = bounded(unknown)
            raise invalid_argument("Failed to process element: ", index, " key: ", unknown,
                                   " of 'instances' list. Error: INVALID_ARGUMENT: JSON object: does not"
                                   " have named input: ", unknown)
        if item.keys() != expected:
            raise invalid_argument("Failed to process element: ", index, " of 'instances' list. JSON object: ",
                                   json_text(item), " keys must be equal to: ", ",".join(sorted(names)))
    return {name: _batch([item[name] for item in instances], specs[name], "'instances' list", name)
            for name in names}


def _from_inputs(value, specs):
    names = list(specs)
    if not isinstance(value, dict) or _is_b64(value):
        if len(names) > 1:
            raise invalid_argument("inputs is a plain value/list, but expecting an object as multiple input"
                                   " tensors required as per tensorinfo_map")
        return {names[0]: _wrap(lambda: to_tensor(value, specs[names[0]].dtype),
                                "Failed to process 'inputs' (input: %s). Error: " % names[0])}
    out = {}
    for name in names:
        if name not in value:
            raise invalid_argument("Missing named input: ", name, " in 'inputs' object.")
        # TF Serving's message follows the prefix naming the input.
        out[name] = _wrap(lambda: to_tensor(value[name], specs[name].dtype),
                          "Failed to process input: %s of 'inputs' object. Error: " % name)
    unknown = next((k for k in value if k not in specs), None)
    if unknown is not None:
        raise invalid_argument("JSON object: does not have named input: ", bounded(unknown))
    return out


def _wrap(fn, prefix):
    """Names the columnar input in the error; TF Serving's own message follows, same status."""
    try:
        return fn()
    except TfServingError as e:
        raise TfServingError(e.code, prefix + e.status_string())


def _batch(items, spec, where, key):
    """The row-format items of one input stacked into one tensor [batch, ...]."""
    try:
        return to_tensor(items, spec.dtype, row_items=True)
    except TfServingError as e:
        index, inner = _first_bad_item(items, spec.dtype, e)
        what = "%d key: %s" % (index, key) if key is not None else "%d" % index
        raise invalid_argument("Failed to process element: ", what, " of ", where, ". Error: ", inner.status_string())


class _BatchError(TfServingError):
    """A whole-batch conversion error that knows the flat index of the first bad value."""

    def __init__(self, error, flat_index, shape):
        super().__init__(error.code, error.message)
        self.flat_index = flat_index
        self.shape = shape


def _item_shape(item):
    """The nested-list shape of one item, following first elements (as GetDenseTensorShape)."""
    shape = []
    while isinstance(item, list):
        shape.append(len(item))
        if not item:
            break
        item = item[0]
    return tuple(shape)


def _first_bad_item(items, dtype, batch_error):
    """Error path only: which instance broke the batch, with TF Serving's per-item message. The
    vectorised check already knows where the first bad value is when the batch was rectangular;
    otherwise the items' shapes are compared (no conversion). Only the chosen item is converted
    again, to produce its message."""
    if isinstance(batch_error, _BatchError) and batch_error.flat_index is not None and batch_error.shape:
        per_item = int(np.prod(batch_error.shape[1:])) if len(batch_error.shape) > 1 else 1
        index = batch_error.flat_index // max(per_item, 1)
        try:
            to_tensor(items[index], dtype)
        except TfServingError as e:
            return index, e
        return index, batch_error
    first_shape = _item_shape(items[0])
    first_size = int(np.prod(first_shape)) if first_shape else 1
    for index, item in enumerate(items):
        shape = _item_shape(item)
        if shape == first_shape:
            continue
        if index > 0:
            # The items before this one share a shape: one batch conversion says whether one of
            # them fails first (TF Serving reports the first failing item).
            try:
                to_tensor(items[:index], dtype, row_items=True)
            except TfServingError as e:
                if isinstance(e, _BatchError) and e.flat_index is not None:
                    return _first_bad_item(items[:index], dtype, e)
                try:
                    to_tensor(items[0], dtype)
                except TfServingError as e0:
                    return 0, e0
        try:
            t = to_tensor(item, dtype)
        except TfServingError as e:
            return index, e
        if t.size != first_size:
            return index, invalid_argument("Expecting tensor size: ", first_size, " but got: ", t.size)
        return index, invalid_argument("Expecting shape ", _shape_text(first_shape), " but got: ", _shape_text(t.shape))
    # Same outer shapes but ragged deeper inside some item: find it by its own dense check.
    for index, item in enumerate(items):
        try:
            np.array(item, dtype=float) if dtype in _FLOATS or dtype in _INTS else None
        except (ValueError, TypeError):
            try:
                to_tensor(item, dtype)
            except TfServingError as e:
                return index, e
    return 0, batch_error


def _shape_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def to_tensor(value, dtype, row_items=False):
    """One JSON value (nested lists of scalars) as a numpy array of the TF dtype, whole-batch."""
    if dtype not in _FLOATS and dtype not in _INTS and dtype not in ("DT_BOOL", "DT_STRING"):
        raise unimplemented("Conversion of JSON Value: ", json_text(_first_leaf(value)), " to type: ",
                            data_type_string(dtype))
    try:
        obj = np.array(value, dtype=object)
    except (ValueError, TypeError):
        raise _explain(value, dtype)
    if obj.size == 0:
        return np.zeros(obj.shape, dtype=_FLOATS.get(dtype) or _INTS.get(dtype) or
                        (np.bool_ if dtype == "DT_BOOL" else object))
    types = _type_of(obj)

    def fail(bad_mask):
        """The batch error; for row items, also where the first bad value is."""
        if not row_items:
            return _explain(value, dtype)
        if np.any(types == list):  # ragged: numpy stopped at a shallower level; shapes decide
            return _BatchError(invalid_argument("batch conversion failed"), None, obj.shape)
        flat = np.flatnonzero(np.asarray(bad_mask).reshape(-1))
        return _BatchError(invalid_argument("batch conversion failed"), int(flat[0]) if flat.size else None, obj.shape)

    if dtype in _FLOATS:
        is_int = types == int
        bad = ~(is_int | (types == float))
        if np.any(bad):
            raise fail(bad)
        too_big = np.zeros(obj.shape, dtype=bool)
        if np.any(is_int):
            too_big[is_int] = np.abs(obj[is_int]) > _MAX_EXACT_INT[dtype]
        if np.any(too_big):
            raise fail(too_big)
        as_double = obj.astype(np.float64)
        if dtype != "DT_DOUBLE":
            with np.errstate(invalid="ignore"):
                lossy = np.isfinite(as_double) & ~is_int & (np.abs(as_double) > _FLT_MAX)
            if np.any(lossy):
                raise fail(lossy)
        return as_double.astype(_FLOATS[dtype])
    if dtype in _INTS:
        bad = types != int
        if np.any(bad):
            raise fail(bad)
        info = np.iinfo(_INTS[dtype])
        out_of_range = (obj < int(info.min)) | (obj > int(info.max))
        if np.any(out_of_range):
            raise fail(out_of_range)
        return obj.astype(_INTS[dtype])
    if dtype == "DT_BOOL":
        bad = types != bool
        if np.any(bad):
            raise fail(bad)
        return obj.astype(np.bool_)
    # DT_STRING: text as UTF-8 bytes, {"b64": ...} decoded.
    bad = ~((types == str) | (types == dict))
    if np.any(bad):
        raise fail(bad)
    if row_items and np.any(types == dict):
        # A bad {"b64": ...} fails inside the conversion: find it among the objects only.
        for flat in np.flatnonzero((types == dict).reshape(-1)):
            try:
                decode_b64(obj.reshape(-1)[flat])
            except TfServingError:
                raise fail(np.arange(obj.size).reshape(obj.shape) == flat)
    converted = _to_bytes(obj)
    if not isinstance(converted, np.ndarray):  # a scalar input: frompyfunc returns the bare value
        scalar = np.empty((), dtype=object)
        scalar[()] = converted
        return scalar
    return converted


def _string_bytes(v):
    if type(v) is str:
        return v.encode("utf-8")
    return decode_b64(v)


_to_bytes = np.frompyfunc(_string_bytes, 1, 1)


def decode_b64(value):
    """{"b64": "..."} -> bytes; standard or web-safe alphabet, padding optional (absl Base64Unescape)."""
    if not _is_b64(value):
        raise invalid_argument("JSON Value: ", json_text(value), " not formatted correctly for base64 data")
    text = value["b64"]
    if not re.fullmatch(r"[A-Za-z0-9+/_-]*={0,2}", text) or len(text.rstrip("=")) % 4 == 1:
        raise invalid_argument("Unable to base64 decode")
    core = text.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(core + "=" * (-len(core) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise invalid_argument("Unable to base64 decode")


def _first_leaf(value):
    while isinstance(value, list) and value:
        value = value[0]
    return value


def _explain(value, dtype):
    """Error path: GetDenseTensorShape + FillTensorProto's walk, returning the first error."""
    shape = []
    v = value
    while isinstance(v, list):
        shape.append(len(v))
        if not v:
            break
        v = v[0]
    try:
        _check(value, 0, shape, dtype)
    except TfServingError as e:
        return e
    return invalid_argument("JSON Value: ", json_text(value), " cannot be converted to a ", data_type_string(dtype), " tensor")


def _check(v, level, shape, dtype):
    if not isinstance(v, list):
        if level != len(shape):
            raise invalid_argument("JSON Value: ", json_text(v), " found at incorrect level: ", level + 1,
                                   " in the JSON DOM. Expected at level: ", len(shape))
        _check_scalar(v, dtype)
        return
    if level >= len(shape):
        raise invalid_argument("Encountered list at unexpected level: ", level, " expected < ", len(shape))
    if len(v) != shape[level]:
        raise invalid_argument("Encountered list at unexpected size: ", len(v), " at level: ", level,
                               " expected size: ", shape[level])
    for x in v:
        _check(x, level + 1, shape, dtype)


def _type_error(v, dtype):
    return invalid_argument("JSON Value: ", json_text(v), " Type: ", json_type(v), " is not of expected type: ",
                            data_type_string(dtype))


def _check_scalar(v, dtype):
    """AddValueToTensor's checks for one value."""
    if dtype in _FLOATS:
        if type(v) not in (int, float):
            raise _type_error(v, dtype)
        if type(v) is int:
            lossy = abs(v) > _MAX_EXACT_INT[dtype]
        else:
            lossy = dtype != "DT_DOUBLE" and math.isfinite(v) and abs(v) > _FLT_MAX
        if lossy:
            raise invalid_argument("Cannot convert JSON value: ", json_text(v), " to ", data_type_string(dtype),
                                   " without loss of precision.")
    elif dtype in _INTS:
        info = np.iinfo(_INTS[dtype])
        if type(v) is not int or not int(info.min) <= v <= int(info.max):
            raise _type_error(v, dtype)
    elif dtype == "DT_BOOL":
        if type(v) is not bool:
            raise _type_error(v, dtype)
    elif type(v) is dict:
        decode_b64(v)
    elif type(v) is not str:
        raise _type_error(v, dtype)

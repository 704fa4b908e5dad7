"""The served model: where it is on disk, what its signatures are, how to run one.

The server talks to any object with the ServedModel interface (version, signatures, predict), so
its HTTP/JSON layer is tested without TensorFlow against a stand-in. Only load_saved_model imports
TensorFlow, and it imports scann first so ScaNN's custom ops are registered before the graph that
uses them is loaded.
"""

import collections
import importlib
import os
import re

from tfs_errors import from_code_number, internal

# dtype is TF's enum name ("DT_FLOAT"); shape is a list of ints (-1 = unknown) or None for unknown
# rank; name is the graph tensor name ("x:0").
TensorSpec = collections.namedtuple("TensorSpec", "dtype shape name")
Signature = collections.namedtuple("Signature", "inputs outputs method_name")

INIT_OP_SIGNATURE = "__saved_model_init_op"


class ModelNotFound(Exception):
    """The model folder is missing or holds no servable version."""


def find_model_version(base_path, model_name):
    """(version, folder) of the highest numeric version under base_path/model_name, as TF Serving
    picks it (names that are whole numbers; 00000123 is version 123)."""
    model_dir = os.path.join(base_path, model_name)
    if not os.path.isdir(model_dir):
        raise ModelNotFound(
            "model folder %s does not exist: mount the model's version folder at %s/<version>/"
            % (model_dir, model_dir))
    versions = []
    for entry in os.listdir(model_dir):
        path = os.path.join(model_dir, entry)
        if re.fullmatch(r"\d+", entry) and int(entry) < 2 ** 63 and os.path.isdir(path):
            versions.append((int(entry), path))
    if not versions:
        hint = ""
        if os.path.exists(os.path.join(model_dir, "saved_model.pb")):
            hint = " (saved_model.pb sits directly in it: put it in a numeric folder such as 1/)"
        raise ModelNotFound(
            "No versions of servable %s found under base path %s%s"
            % (model_name, model_dir, hint))
    number, path = max(versions)
    for name in ("saved_model.pb", "saved_model.pbtxt"):
        if os.path.exists(os.path.join(path, name)):
            return str(number), path
    raise ModelNotFound("version folder %s holds no saved_model.pb" % path)


def preload_op_modules(names):
    """Imports extra packages whose custom ops the model uses (comma-separated module names)."""
    loaded = []
    for name in [n.strip() for n in names.split(",") if n.strip()]:
        importlib.import_module(name)
        loaded.append(name)
    return loaded


def _tensor_spec(info, dtype_names):
    shape = None if info.tensor_shape.unknown_rank else [d.size for d in info.tensor_shape.dim]
    name = info.name or (info.coo_sparse.values_tensor_name if info.HasField("coo_sparse") else "")
    return TensorSpec(dtype_names[info.dtype], shape, name)


class TfSavedModel:
    """A SavedModel loaded with tf.saved_model.load; signatures read from its saved_model.pb."""

    def __init__(self, version, folder, tf, loaded, signature_defs):
        self.version = version
        self.folder = folder
        self._tf = tf
        self._loaded = loaded
        self.signatures = signature_defs

    def predict(self, signature_name, inputs):
        """Runs one signature on whole-batch numpy inputs; returns {output name: numpy array}."""
        tf = self._tf
        fn = self._loaded.signatures.get(signature_name)
        if fn is None:
            raise internal("signature %s is listed but not callable in the loaded model" % signature_name)
        spec = self.signatures[signature_name]
        feed = {name: tf.constant(value, dtype=tf.as_dtype(_TF_DTYPE[spec.inputs[name].dtype]))
                for name, value in inputs.items()}
        try:
            result = fn(**feed)
        except tf.errors.OpError as e:
            raise from_code_number(e.error_code, e.message)
        return {name: tensor.numpy() for name, tensor in result.items()}


_TF_DTYPE = {
    "DT_FLOAT": "float32", "DT_DOUBLE": "float64", "DT_HALF": "float16", "DT_BFLOAT16": "bfloat16",
    "DT_INT8": "int8", "DT_INT16": "int16", "DT_INT32": "int32", "DT_INT64": "int64",
    "DT_UINT8": "uint8", "DT_UINT16": "uint16", "DT_UINT32": "uint32", "DT_UINT64": "uint64",
    "DT_BOOL": "bool", "DT_STRING": "string",
}


def load_saved_model(folder, version, extra_op_modules=""):
    """Loads the SavedModel in folder (its `serve` meta graph). TensorFlow resolves every op of the
    graph while loading, so the packages that register custom ops are imported first."""
    import scann  # noqa: F401  registers the Scann>... ops (tf.load_op_library) before the load
    preload_op_modules(extra_op_modules)
    import tensorflow as tf  # the only TensorFlow import of the server

    try:
        loaded = tf.saved_model.load(folder, tags=["serve"])
    except tf.errors.OpError as e:
        raise from_code_number(e.error_code, e.message)
    return TfSavedModel(version, folder, tf, loaded, read_signatures(folder))


def read_signatures(folder):
    """{key: Signature} of the `serve` meta graph, from saved_model.pb itself: TF Serving's metadata
    shows graph tensor names ("x:0") and method names, which loaded functions do not keep."""
    from google.protobuf import text_format
    from tensorflow.core.framework import types_pb2
    from tensorflow.core.protobuf import saved_model_pb2

    proto = saved_model_pb2.SavedModel()
    pb = os.path.join(folder, "saved_model.pb")
    if os.path.exists(pb):
        with open(pb, "rb") as f:
            proto.ParseFromString(f.read())
    else:
        with open(os.path.join(folder, "saved_model.pbtxt")) as f:
            text_format.Parse(f.read(), proto)
    graphs = [g for g in proto.meta_graphs if "serve" in g.meta_info_def.tags]
    if not graphs:
        raise ModelNotFound("%s has no meta graph tagged 'serve'" % folder)
    dtype_names = {v: k for k, v in types_pb2.DataType.items()}
    signatures = {}
    for key, sig in graphs[0].signature_def.items():
        if key == INIT_OP_SIGNATURE:
            continue
        signatures[key] = Signature(
            {n: _tensor_spec(i, dtype_names) for n, i in sig.inputs.items()},
            {n: _tensor_spec(i, dtype_names) for n, i in sig.outputs.items()},
            sig.method_name)
    return signatures

"""The served model: where it is on disk, what its signatures are, how to run one.

The server talks to any object with the ServedModel interface (version, signatures, predict), so
its HTTP/JSON layer is also tested against a stand-in. Only load_saved_model imports TensorFlow; it
reads the graph's op types first and imports the packages that register custom ops (scann when
installed or when the graph uses Scann> ops, then EXTRA_OP_MODULES) before TensorFlow loads the
graph, which is when TensorFlow resolves every op.
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


def _gfile(path):
    """tf.io.gfile for gs:// (and TensorFlow's other scheme://) paths: TensorFlow reads Cloud
    Storage itself. None for local paths, which keep using os so the stand-in tests need no
    TensorFlow."""
    if "://" in path:
        import tensorflow as tf

        return tf.io.gfile
    return None


def path_exists(path):
    g = _gfile(path)
    return g.exists(path) if g else os.path.exists(path)


def _is_dir(path):
    g = _gfile(path)
    return g.isdir(path) if g else os.path.isdir(path)


def _list_dir(path):
    g = _gfile(path)
    return [e.rstrip("/") for e in g.listdir(path)] if g else os.listdir(path)


def read_bytes(path):
    g = _gfile(path)
    if g:
        with g.GFile(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def _has_saved_model(folder):
    return any(path_exists(join_path(folder, n)) for n in ("saved_model.pb", "saved_model.pbtxt"))


def join_path(folder, name):
    return folder.rstrip("/") + "/" + name if "://" in folder else os.path.join(folder, name)


def find_storage_version(uri, variable="AIP_STORAGE_URI"):
    """(version, folder) for Vertex AI's model folder: the folder itself when it holds
    saved_model.pb (version = its name when numeric, else 1), else its highest numeric version
    folder that holds one. Errors name the variable the folder came from."""
    if not _is_dir(uri):
        raise ModelNotFound("%s: %s is not a folder (or cannot be read)" % (variable, uri))
    if _has_saved_model(uri):
        name = uri.rstrip("/").rsplit("/", 1)[-1]
        return (str(int(name)) if re.fullmatch(r"\d+", name) and int(name) < 2 ** 63 else "1"), uri
    versions = []
    for entry in _list_dir(uri):
        if re.fullmatch(r"\d+", entry) and int(entry) < 2 ** 63 and _is_dir(join_path(uri, entry)):
            versions.append((int(entry), join_path(uri, entry)))
    if not versions:
        raise ModelNotFound("%s: %s holds neither saved_model.pb nor numeric version folders" % (variable, uri))
    number, path = max(versions)
    if not _has_saved_model(path):
        raise ModelNotFound("%s: version folder %s holds no saved_model.pb" % (variable, path))
    return str(number), path


# Custom op namespaces (the part before ">") and the package that registers them, as the routing
# knows them (src/serving/savedModel/customOps.ts KNOWN_CUSTOM_OP_SETS): (pip package, module).
OP_PACKAGES = {
    "Scann": ("scann", "scann"),
    "MlServingDemo": ("mlserving-demo-ops", "mlserving_demo_ops"),  # deploy/examples/mlserving_demo_ops
    "Addons": ("tensorflow-addons", "tensorflow_addons"),
    "TFRA": ("tensorflow-recommenders-addons", "tensorflow_recommenders_addons"),
    "IO": ("tensorflow-io", "tensorflow_io"),
}
# Namespaces the stock TF Serving binary links (TF Text's newer ops): not custom in the routing's
# sense (customOps.ts STOCK_OP_NAMESPACES); stock_library_of explains them when they are missing.
STOCK_NAMESPACES = ("TFText",)
# Ops the stock TF Serving binary links but TensorFlow's pip package does not (customOps.ts
# STOCK_LIBRARY_OPS): plain-named TF Text ops, TF Text's TFText> ops, TF Decision Forests' SimpleML*.
TF_TEXT_OPS = frozenset([
    "CaseFoldUTF8", "ConstrainedSequence", "MaxSpanningTree", "NormalizeUTF8", "NormalizeUTF8WithOffsetsMap",
    "FindSourceOffsets", "RegexSplitWithOffsets", "RougeL", "SentenceFragments", "SentencepieceOp",
    "SentencepieceTokenizeOp", "SentencepieceTokenizeWithOffsetsOp", "SentencepieceDetokenizeOp",
    "SentencepieceVocabSizeOp", "SentencepieceIdToStringOp", "SentencepieceStringToIdOp",
    "SplitMergeTokenizeWithOffsets", "SplitMergeFromLogitsTokenizeWithOffsets", "TokenizerFromLogits",
    "UnicodeScriptTokenizeWithOffsets", "WhitespaceTokenizeWithOffsets", "WhitespaceTokenizeWithOffsetsV2",
    "WhitespaceTokenizerConfigFromString", "WordpieceTokenizeWithOffsets",
])


def stock_library_of(op):
    """(library, pip package, module) for ops the stock TF Serving binary links, else None."""
    if op in TF_TEXT_OPS or op.startswith("TFText>"):
        return ("TF Text", "tensorflow-text", "tensorflow_text")
    if op.startswith("SimpleML"):
        return ("TF Decision Forests", "tensorflow-decision-forests", "tensorflow_decision_forests")
    return None


class ModelLoadError(Exception):
    """The model cannot be loaded; the message says why and what to install or set."""


def module_installed(name):
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def custom_ops(ops):
    """The namespaced ops (Namespace>Op) of a graph that TensorFlow does not itself provide."""
    return sorted(op for op in ops if ">" in op and op.split(">", 1)[0] not in STOCK_NAMESPACES)


def op_modules_to_import(ops, extra_op_modules=""):
    """The modules to import before loading, in order: scann when it is installed or the graph
    uses Scann> ops, then EXTRA_OP_MODULES (comma-separated)."""
    wanted = []
    needs_scann = any(op.startswith("Scann>") for op in ops)
    if needs_scann or module_installed("scann"):
        wanted.append("scann")
    for name in [n.strip() for n in extra_op_modules.split(",") if n.strip()]:
        if name not in wanted:
            wanted.append(name)
    return wanted


def preload_op_modules(names, ops=()):
    """Imports the packages that register custom ops. A missing package the graph needs is not
    fatal here: the load that follows fails with TensorFlow's own "Op type not registered" text,
    which unregistered_op_message then explains."""
    loaded = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as e:
            needed_by = [op for op in custom_ops(ops) if OP_PACKAGES.get(op.split(">", 1)[0], (None, None))[1] == name]
            if name == "scann" and needed_by:
                import logging
                logging.getLogger("tf_serving_python").error(
                    "the graph uses %s, but scann is not installed (%s)", ", ".join(needed_by), e)
                continue
            raise ModelLoadError("EXTRA_OP_MODULES: cannot import %s (%s): install the package that provides it "
                                 "in this image or remove it from EXTRA_OP_MODULES" % (name, e))
        except Exception as e:  # e.g. tf.load_op_library refusing a library built for another TensorFlow
            raise ModelLoadError("EXTRA_OP_MODULES: importing %s failed: %s: %s" % (name, type(e).__name__, e))
        loaded.append(name)
    return loaded


def unregistered_op_message(tf_message, ops, loaded_modules):
    """TensorFlow's "Op type not registered" text, followed by which package registers each custom
    op of the graph that is still missing and how to make the server import it."""
    try:
        from tensorflow.python.framework import op_def_registry
        registered = lambda op: op_def_registry.get(op) is not None  # noqa: E731
    except ImportError:
        registered = lambda op: False  # noqa: E731

    missing = [op for op in custom_ops(ops) if not registered(op)]
    hints = []
    for op in missing:
        package, module = OP_PACKAGES.get(op.split(">", 1)[0], (None, None))
        if package is None:
            hints.append("%s: no known package registers the namespace %s>; install the package that does and add "
                         "its module to EXTRA_OP_MODULES" % (op, op.split(">", 1)[0]))
        elif not module_installed(module):
            hints.append("%s: registered by the package %s (module %s), which is not installed in this server"
                         % (op, package, module))
        elif module not in loaded_modules:
            hints.append("%s: registered by the package %s; set EXTRA_OP_MODULES=%s so it is imported before the "
                         "model loads" % (op, package, module))
        else:
            hints.append("%s: the package %s was imported but did not register it" % (op, package))
    named = re.search(r"Op type not registered '([^']+)'", tf_message)
    library = stock_library_of(named.group(1)) if named else None
    if library and named.group(1) not in missing:
        hints.append("%s: a %s op, which the stock TF Serving binary links but this server does not: install %s "
                     "(module %s) in the image and add it to EXTRA_OP_MODULES, or serve the model with native TF "
                     "Serving" % (named.group(1), library[0], library[1], library[2]))
    return tf_message.strip() + ("\nThe model needs custom ops this server has not loaded: " + "; ".join(hints)
                                 if hints else "")


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
    graph while loading, so the packages that register custom ops are imported first: scann when
    installed or when the graph needs Scann> ops, then EXTRA_OP_MODULES."""
    meta_graph = read_meta_graph(folder)
    ops = graph_ops(meta_graph)
    loaded_modules = preload_op_modules(op_modules_to_import(ops, extra_op_modules), ops)
    import tensorflow as tf  # the only TensorFlow import of the server

    try:
        loaded = tf.saved_model.load(folder, tags=["serve"])
    except tf.errors.OpError as e:
        if "Op type not registered" in e.message:
            raise ModelLoadError(unregistered_op_message(e.message, ops, loaded_modules))
        raise from_code_number(e.error_code, e.message)
    except Exception as e:  # saved_model.load reports unregistered ops as a RuntimeError
        if "Op type not registered" in str(e):
            raise ModelLoadError(unregistered_op_message(str(e), ops, loaded_modules))
        raise
    return TfSavedModel(version, folder, tf, loaded, signatures_of(meta_graph, folder))


def read_meta_graph(folder):
    """The `serve` MetaGraphDef of saved_model.pb (or .pbtxt)."""
    from google.protobuf import text_format
    from tensorflow.core.protobuf import saved_model_pb2

    proto = saved_model_pb2.SavedModel()
    pb = join_path(folder, "saved_model.pb")
    if path_exists(pb):
        proto.ParseFromString(read_bytes(pb))
    else:
        text_format.Parse(read_bytes(join_path(folder, "saved_model.pbtxt")).decode("utf-8"), proto)
    graphs = [g for g in proto.meta_graphs if "serve" in g.meta_info_def.tags]
    if not graphs:
        raise ModelNotFound("%s has no meta graph tagged 'serve'" % folder)
    return graphs[0]


def graph_ops(meta_graph):
    """Every op type of the graph and its function library."""
    ops = {n.op for n in meta_graph.graph_def.node}
    for fn in meta_graph.graph_def.library.function:
        ops.update(n.op for n in fn.node_def)
    return sorted(ops)


def read_signatures(folder):
    """{key: Signature} of the `serve` meta graph, from saved_model.pb itself: TF Serving's metadata
    shows graph tensor names ("x:0") and method names, which loaded functions do not keep."""
    return signatures_of(read_meta_graph(folder), folder)


def signatures_of(meta_graph, folder):
    from tensorflow.core.framework import types_pb2

    dtype_names = {v: k for k, v in types_pb2.DataType.items()}
    signatures = {}
    for key, sig in meta_graph.signature_def.items():
        if key == INIT_OP_SIGNATURE:
            continue
        signatures[key] = Signature(
            {n: _tensor_spec(i, dtype_names) for n, i in sig.inputs.items()},
            {n: _tensor_spec(i, dtype_names) for n, i in sig.outputs.items()},
            sig.method_name)
    return signatures

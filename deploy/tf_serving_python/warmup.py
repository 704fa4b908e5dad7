"""SavedModel warm-up as TF Serving does it (servables/tensorflow/saved_model_warmup_util.cc):
`<version>/assets.extra/tf_serving_warmup_requests` is a TFRecord file of
tensorflow.serving.PredictionLog records; each predict request is run once at load, before the
model is reported AVAILABLE, and at most 1,000 records are allowed.

tensorflow-serving-api is not installed (it would pin another TensorFlow), so the few messages
needed are declared here with TF Serving's field numbers, in a private descriptor pool that
reuses TensorFlow's own TensorProto.
"""

import logging
import os
import time

log = logging.getLogger("tf_serving_python")

REQUESTS_FILE = os.path.join("assets.extra", "tf_serving_warmup_requests")
MAX_RECORDS = 1000  # WarmupConsts::kMaxNumRecords

_classes = None


def _message_classes():
    """{name: class} for PredictionLog and the messages it holds (built once)."""
    global _classes
    if _classes is not None:
        return _classes
    from google.protobuf import descriptor_pb2, descriptor_pool, wrappers_pb2
    from tensorflow.core.framework import tensor_pb2

    try:
        from google.protobuf.message_factory import GetMessageClass
    except ImportError:  # protobuf < 4.21
        from google.protobuf.message_factory import MessageFactory
        GetMessageClass = lambda d: MessageFactory().GetPrototype(d)  # noqa: E731

    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(file_descriptor):
        if file_descriptor.name in added:
            return
        for dep in file_descriptor.dependencies:
            add(dep)
        proto = descriptor_pb2.FileDescriptorProto()
        file_descriptor.CopyToProto(proto)
        pool.Add(proto)
        added.add(file_descriptor.name)

    add(wrappers_pb2.DESCRIPTOR)
    add(tensor_pb2.DESCRIPTOR)

    f = descriptor_pb2.FileDescriptorProto(name="mlserving/tf_serving_warmup.proto", package="tensorflow.serving",
                                           syntax="proto3",
                                           dependency=["google/protobuf/wrappers.proto",
                                                       "tensorflow/core/framework/tensor.proto"])
    F = descriptor_pb2.FieldDescriptorProto

    def message(name, *fields, nested=None):
        m = f.message_type.add(name=name)
        for number, field_name, kind, type_name, label in fields:
            fld = m.field.add(name=field_name, number=number, type=kind,
                              label=label or F.LABEL_OPTIONAL)
            if type_name:
                fld.type_name = type_name
        if nested:
            m.nested_type.add().CopyFrom(nested)
        return m

    message("ModelSpec",
            (1, "name", F.TYPE_STRING, None, None),
            (2, "version", F.TYPE_MESSAGE, ".google.protobuf.Int64Value", None),
            (4, "version_label", F.TYPE_STRING, None, None),
            (3, "signature_name", F.TYPE_STRING, None, None))
    entry = descriptor_pb2.DescriptorProto(name="InputsEntry", options=descriptor_pb2.MessageOptions(map_entry=True))
    entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    entry.field.add(name="value", number=2, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                    type_name=".tensorflow.TensorProto")
    message("PredictRequest",
            (1, "model_spec", F.TYPE_MESSAGE, ".tensorflow.serving.ModelSpec", None),
            (2, "inputs", F.TYPE_MESSAGE, ".tensorflow.serving.PredictRequest.InputsEntry", F.LABEL_REPEATED),
            (3, "output_filter", F.TYPE_STRING, None, F.LABEL_REPEATED),
            nested=entry)
    message("PredictLog", (1, "request", F.TYPE_MESSAGE, ".tensorflow.serving.PredictRequest", None))
    # Other log types are declared as opaque messages: only their presence matters here.
    message("OtherLog")
    log_msg = message("PredictionLog",
                      (2, "classify_log", F.TYPE_MESSAGE, ".tensorflow.serving.OtherLog", None),
                      (3, "regress_log", F.TYPE_MESSAGE, ".tensorflow.serving.OtherLog", None),
                      (6, "predict_log", F.TYPE_MESSAGE, ".tensorflow.serving.PredictLog", None),
                      (7, "predict_streamed_log", F.TYPE_MESSAGE, ".tensorflow.serving.OtherLog", None),
                      (4, "multi_inference_log", F.TYPE_MESSAGE, ".tensorflow.serving.OtherLog", None),
                      (5, "session_run_log", F.TYPE_MESSAGE, ".tensorflow.serving.OtherLog", None))
    log_msg.oneof_decl.add(name="log_type")
    for fld in log_msg.field:
        fld.oneof_index = 0
    pool.Add(f)
    _classes = {name: GetMessageClass(pool.FindMessageTypeByName("tensorflow.serving." + name))
                for name in ("PredictionLog", "PredictRequest", "ModelSpec")}
    return _classes


def predict_log_record(model_name, inputs, signature_name=""):
    """One serialized PredictionLog holding a PredictRequest; inputs are {name: array-like}."""
    import tensorflow as tf

    c = _message_classes()
    record = c["PredictionLog"]()
    request = record.predict_log.request
    request.model_spec.name = model_name
    if signature_name:
        request.model_spec.signature_name = signature_name
    for name, value in inputs.items():
        request.inputs[name].ParseFromString(tf.make_tensor_proto(value).SerializeToString())
    return record.SerializeToString(deterministic=True)


def write_requests(path, records):
    """Writes serialized PredictionLog records as a TFRecord file (TensorFlow's writer)."""
    import tensorflow as tf

    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tf.io.TFRecordWriter(path) as w:
        for r in records:
            w.write(r)


class WarmupError(Exception):
    """The warm-up file is invalid or one of its requests failed; the model must not load."""


def read_requests(path):
    """[(signature_name, {input: numpy array})] of the predict records in the TFRecord file;
    other log types are skipped with a warning (this server serves :predict only)."""
    import tensorflow as tf
    from tensorflow.core.framework import tensor_pb2

    c = _message_classes()
    out = []
    count = 0
    try:
        for raw in tf.data.TFRecordDataset(path).as_numpy_iterator():
            count += 1
            if count > MAX_RECORDS:
                raise WarmupError("Number of warmup records exceeds the maximum (%d) at %s" % (MAX_RECORDS, path))
            record = c["PredictionLog"]()
            try:
                record.ParseFromString(raw)
            except Exception:  # protobuf's DecodeError
                raise WarmupError("Failed to parse warmup record %d from %s" % (count, path))
            kind = record.WhichOneof("log_type")
            if kind != "predict_log":
                log.warning("warm-up record %d is a %s; this server replays predict_log records only", count, kind)
                continue
            request = record.predict_log.request
            inputs = {name: tf.make_ndarray(tensor_pb2.TensorProto.FromString(t.SerializeToString()))
                      for name, t in request.inputs.items()}
            out.append((request.model_spec.signature_name or "serving_default", inputs))
    except tf.errors.DataLossError as e:
        raise WarmupError("%s. Please verify your warmup data is in TFRecord format." % e.message)
    return out


def run_warmup(folder, model):
    """Replays folder's warm-up requests on model (model.predict); returns how many ran, 0 when
    there is no file. Raises WarmupError naming the record that failed."""
    import model_backend  # its path_exists reads gs:// folders (Vertex AI) through TensorFlow

    path = model_backend.join_path(folder, REQUESTS_FILE)
    if not model_backend.path_exists(path):
        log.info("No warmup data file found at %s", path)
        return 0
    start = time.monotonic()
    log.info("Starting to read warmup data for model at %s", path)
    requests = read_requests(path)
    for index, (signature_name, inputs) in enumerate(requests):
        if signature_name not in model.signatures:
            raise WarmupError("warm-up record %d of %s: signature %r is not in the model" % (index + 1, path, signature_name))
        try:
            model.predict(signature_name, inputs)
        except Exception as e:
            raise WarmupError("warm-up record %d of %s (signature %s) failed: %s"
                              % (index + 1, path, signature_name, getattr(e, "message", e)))
    log.info("Finished reading warmup data for model at %s. Number of warmup records read: %d. "
             "Elapsed time (microseconds): %d.", path, len(requests), (time.monotonic() - start) * 1e6)
    return len(requests)

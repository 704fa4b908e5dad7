"""Reads a warm-up file with TensorFlow itself (tf.data.TFRecordDataset, PredictionLog parsing,
tf.make_ndarray) and loads the model folder with the real Python server, which replays the file.
Prints one JSON line: the records as TensorFlow sees them and the server's log lines.
argv: <tf_serving_python dir> <model base path> <model name>"""
import json
import logging
import os
import sys

server_dir, base, name = sys.argv[1:4]
sys.path.insert(0, server_dir)
import tensorflow as tf  # noqa: E402
from tensorflow.core.framework import tensor_pb2  # noqa: E402
import warmup  # noqa: E402

versions = sorted(v for v in os.listdir(os.path.join(base, name)) if v.isdigit())
path = os.path.join(base, name, versions[-1], "assets.extra", "tf_serving_warmup_requests")
PredictionLog = warmup._message_classes()["PredictionLog"]
records = []
for raw in tf.data.TFRecordDataset(path).as_numpy_iterator():
    rec = PredictionLog()
    rec.ParseFromString(raw)
    req = rec.predict_log.request
    inputs = {}
    for k, v in req.inputs.items():
        proto = tensor_pb2.TensorProto.FromString(v.SerializeToString())
        arr = tf.make_ndarray(proto)
        inputs[k] = {"dtype": tf.dtypes.as_dtype(proto.dtype).name, "shape": list(arr.shape),
                     "values": [x.decode() if isinstance(x, bytes) else x for x in arr.flatten().tolist()]}
    records.append({"kind": rec.WhichOneof("log_type"), "model": req.model_spec.name,
                    "signature": req.model_spec.signature_name, "inputs": inputs})

lines = []


class Keep(logging.Handler):
    def emit(self, record):
        lines.append(record.getMessage())


logging.getLogger("tf_serving_python").addHandler(Keep())
logging.getLogger("tf_serving_python").setLevel(logging.INFO)
from server import create_app  # noqa: E402

create_app(environ={"MODEL_NAME": name, "MODEL_BASE_PATH": base})
print(json.dumps({"records": records, "log": lines}))

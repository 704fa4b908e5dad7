"""The model zoo: SavedModels of the kinds this product's users train, exported by TensorFlow itself
as TFX Pusher-style version folders, plus a manifest with a sample request per signature and the
answer TensorFlow computes for it in process.

    python export_zoo.py --out DIR

    DIR/<name>/1700000000/saved_model.pb (+ variables/, assets.extra/ for the retrieval models)
    DIR/manifest.json

Models (weights are seeded, so every export answers the same):
  retrieval            two-tower retrieval as TensorFlow Recommenders builds it: query tower
                       (user_id -> StringLookup -> Embedding, plus hour_of_day) scored against
                       20,000 precomputed product embeddings, brute-force top-100
                       serving_default(user_id, hour_of_day) -> product_ids, scores
  ranking              (user_id, product_id, price, hour_of_day) -> score
  multitask            shared embeddings, two heads: serving_default (retrieval), rank (ranking)
  tfx_example          serving_default(examples: serialized tf.Example) -> score, as TFX trainers
                       export it, plus serving_raw with named inputs for JSON clients
  custom_op_retrieval  retrieval whose top-K is MlServingDemo>TopKDot, a real custom op compiled
                       from ../mlserving_demo_ops (stands in for ScaNN's Scann> ops)

TensorFlow Recommenders has no wheel for this TensorFlow, so the towers are built by hand with
Keras 3 layers, the way tfrs.layers.factorized_top_k.BruteForce indexes candidates.
"""

import argparse
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)
DEPLOY = os.path.dirname(EXAMPLES)
sys.path.insert(0, EXAMPLES)  # mlserving_demo_ops
sys.path.insert(0, os.path.join(DEPLOY, "tf_serving_python"))  # warmup (the server's own writer/reader)
sys.dont_write_bytecode = True

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

import warmup  # noqa: E402

VERSION = "1700000000"  # a fixed TFX Pusher-style timestamp, so paths and answers are stable
SEED = 20261130
EMBEDDING_DIM = 32
NUM_USERS = 1000
NUM_PRODUCTS = 20_000
K = 100

USERS = ["user_%d" % i for i in range(NUM_USERS)]
PRODUCTS = ["product_%05d" % i for i in range(NUM_PRODUCTS)]


def seeded(name):
    """A numpy generator per weight, so adding a model never changes another's weights."""
    return np.random.default_rng([SEED, sum(ord(c) * 31 ** i for i, c in enumerate(name)) % (2 ** 32)])


def set_weights(layer, name, scale=0.3):
    layer.set_weights([(seeded("%s/%d" % (name, i)).standard_normal(w.shape) * scale).astype(np.float32)
                       for i, w in enumerate(layer.get_weights())])


def hour_features(hour_of_day):
    """hour_of_day (0-24, float) as a point on the daily circle."""
    angle = hour_of_day * (2.0 * np.pi / 24.0)
    return tf.stack([tf.sin(angle), tf.cos(angle)], axis=1)


class Towers(tf.Module):
    """The trained parts shared by the models: user/product id embeddings and the query tower."""

    def __init__(self, tag):
        super().__init__(name="towers")
        self.user_lookup = keras.layers.StringLookup(vocabulary=USERS, mask_token=None, name="user_lookup")
        self.user_embedding = keras.layers.Embedding(NUM_USERS + 1, EMBEDDING_DIM, name="user_embedding")
        self.product_lookup = keras.layers.StringLookup(vocabulary=PRODUCTS, mask_token=None, name="product_lookup")
        self.product_embedding = keras.layers.Embedding(NUM_PRODUCTS + 1, EMBEDDING_DIM, name="product_embedding")
        self.query_dense = keras.layers.Dense(EMBEDDING_DIM, name="query_dense")
        self.user_embedding.build((None,))
        self.product_embedding.build((None,))
        self.query_dense.build((None, EMBEDDING_DIM + 2))
        set_weights(self.user_embedding, "user_embedding")
        set_weights(self.product_embedding, "product_embedding")
        set_weights(self.query_dense, "query_dense/" + tag, scale=0.2)

    def query(self, user_id, hour_of_day):
        user = self.user_embedding(self.user_lookup(user_id))
        return self.query_dense(tf.concat([user, hour_features(hour_of_day)], axis=1))

    def product(self, product_id):
        return self.product_embedding(self.product_lookup(product_id))


class BruteForceIndex(tf.Module):
    """Candidate embeddings computed once at export (BruteForce.index_from_dataset) and their ids."""

    def __init__(self, towers):
        super().__init__(name="index")
        self.candidates = tf.Variable(towers.product(tf.constant(PRODUCTS)), trainable=False, name="candidates")
        self.identifiers = tf.constant(PRODUCTS)

    def top_k(self, query):
        scores, indices = tf.math.top_k(tf.matmul(query, self.candidates, transpose_b=True), k=K)
        return {"product_ids": tf.gather(self.identifiers, indices), "scores": scores}


class RankingHead(tf.Module):
    def __init__(self, towers, tag):
        super().__init__(name="ranking")
        self.towers = towers
        self.hidden = keras.layers.Dense(64, activation="relu", name="rank_hidden")
        self.out = keras.layers.Dense(1, name="rank_score")
        self.hidden.build((None, 2 * EMBEDDING_DIM + 3))
        self.out.build((None, 64))
        set_weights(self.hidden, "rank_hidden/" + tag, scale=0.15)
        set_weights(self.out, "rank_score/" + tag, scale=0.15)

    def score(self, user_id, product_id, price, hour_of_day):
        t = self.towers
        features = tf.concat([t.user_embedding(t.user_lookup(user_id)), t.product(product_id),
                              tf.math.log1p(tf.maximum(price, 0.0))[:, None], hour_features(hour_of_day)], axis=1)
        return self.out(self.hidden(features))


USER = tf.TensorSpec([None], tf.string, name="user_id")
PRODUCT = tf.TensorSpec([None], tf.string, name="product_id")
HOUR = tf.TensorSpec([None], tf.float32, name="hour_of_day")
PRICE = tf.TensorSpec([None], tf.float32, name="price")
EXAMPLES_SPEC = tf.TensorSpec([None], tf.string, name="examples")


def retrieval_module():
    m = tf.Module(name="retrieval")
    m.towers = Towers("retrieval")
    m.index = BruteForceIndex(m.towers)

    @tf.function(input_signature=[USER, HOUR])
    def serve(user_id, hour_of_day):
        return m.index.top_k(m.towers.query(user_id, hour_of_day))

    return m, {"serving_default": serve}


def custom_op_retrieval_module():
    import mlserving_demo_ops

    m = tf.Module(name="custom_op_retrieval")
    m.towers = Towers("retrieval")
    m.index = BruteForceIndex(m.towers)

    @tf.function(input_signature=[USER, HOUR])
    def serve(user_id, hour_of_day):
        scores, indices = mlserving_demo_ops.top_k_dot(m.towers.query(user_id, hour_of_day), m.index.candidates, k=K)
        return {"product_ids": tf.gather(m.index.identifiers, indices), "scores": scores}

    return m, {"serving_default": serve}


def ranking_module():
    m = tf.Module(name="ranking")
    m.towers = Towers("ranking")
    m.ranking = RankingHead(m.towers, "ranking")

    @tf.function(input_signature=[USER, PRODUCT, PRICE, HOUR])
    def serve(user_id, product_id, price, hour_of_day):
        return {"score": m.ranking.score(user_id, product_id, price, hour_of_day)}

    return m, {"serving_default": serve}


def multitask_module():
    m = tf.Module(name="multitask")
    m.towers = Towers("multitask")
    m.index = BruteForceIndex(m.towers)
    m.ranking = RankingHead(m.towers, "multitask")

    @tf.function(input_signature=[USER, HOUR])
    def retrieve(user_id, hour_of_day):
        return m.index.top_k(m.towers.query(user_id, hour_of_day))

    @tf.function(input_signature=[USER, PRODUCT, PRICE, HOUR])
    def rank(user_id, product_id, price, hour_of_day):
        return {"score": m.ranking.score(user_id, product_id, price, hour_of_day)}

    return m, {"serving_default": retrieve, "rank": rank}


FEATURE_SPEC = {
    "user_id": tf.io.FixedLenFeature([], tf.string),
    "product_id": tf.io.FixedLenFeature([], tf.string),
    "price": tf.io.FixedLenFeature([], tf.float32, default_value=0.0),
    "hour_of_day": tf.io.FixedLenFeature([], tf.float32, default_value=12.0),
}


def tfx_example_module():
    m = tf.Module(name="tfx_example")
    m.towers = Towers("tfx")
    m.ranking = RankingHead(m.towers, "tfx")

    @tf.function(input_signature=[EXAMPLES_SPEC])
    def serve_examples(examples):
        f = tf.io.parse_example(examples, FEATURE_SPEC)
        return {"score": m.ranking.score(f["user_id"], f["product_id"], f["price"], f["hour_of_day"])}

    @tf.function(input_signature=[USER, PRODUCT, PRICE, HOUR])
    def serve_raw(user_id, product_id, price, hour_of_day):
        return {"score": m.ranking.score(user_id, product_id, price, hour_of_day)}

    return m, {"serving_default": serve_examples, "serving_raw": serve_raw}


def tf_example(user_id, product_id, price, hour_of_day):
    return tf.train.Example(features=tf.train.Features(feature={
        "user_id": tf.train.Feature(bytes_list=tf.train.BytesList(value=[user_id.encode()])),
        "product_id": tf.train.Feature(bytes_list=tf.train.BytesList(value=[product_id.encode()])),
        "price": tf.train.Feature(float_list=tf.train.FloatList(value=[price])),
        "hour_of_day": tf.train.Feature(float_list=tf.train.FloatList(value=[hour_of_day])),
    })).SerializeToString(deterministic=True)  # map order fixed: the manifest is stable


RETRIEVAL_SAMPLE = [{"user_id": "user_42", "hour_of_day": 9.0}, {"user_id": "user_7", "hour_of_day": 21.5},
                    {"user_id": "someone_new", "hour_of_day": 3.0}]  # the last one is out of vocabulary
RANK_SAMPLE = [{"user_id": "user_42", "product_id": "product_00017", "price": 19.99, "hour_of_day": 9.0},
               {"user_id": "user_7", "product_id": "product_19999", "price": 4.5, "hour_of_day": 21.5}]
EXAMPLE_SAMPLE = [tf_example(**r) for r in RANK_SAMPLE]

MODELS = {
    "retrieval": (retrieval_module, {"serving_default": RETRIEVAL_SAMPLE}, True),
    "ranking": (ranking_module, {"serving_default": RANK_SAMPLE}, False),
    "multitask": (multitask_module, {"serving_default": RETRIEVAL_SAMPLE, "rank": RANK_SAMPLE}, False),
    "tfx_example": (tfx_example_module, {"serving_default": None, "serving_raw": RANK_SAMPLE}, False),
    "custom_op_retrieval": (custom_op_retrieval_module, {"serving_default": RETRIEVAL_SAMPLE}, True),
}


def columns(instances, specs):
    """Row-format instances -> {input: numpy array} with the signature's dtypes."""
    return {name: np.array([r[name] for r in instances], dtype=spec.dtype.as_numpy_dtype)
            for name, spec in specs.items()}


def to_json(array):
    """A TF output as JSON values, as TF Serving writes them (strings as text)."""
    array = np.asarray(array)
    if array.dtype.kind in "OSa":
        return np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(array).tolist()
    return array.tolist()


def dtype_name(dtype):
    """TF's enum name, as TF Serving's metadata writes it (DT_FLOAT, DT_STRING)."""
    from tensorflow.core.framework import types_pb2

    return types_pb2.DataType.Name(dtype.as_datatype_enum)


def graph_ops(folder):
    """Every op type in the saved graph and its function library (what TF Serving must resolve)."""
    from tensorflow.core.protobuf import saved_model_pb2

    proto = saved_model_pb2.SavedModel()
    with open(os.path.join(folder, "saved_model.pb"), "rb") as f:
        proto.ParseFromString(f.read())
    ops = set()
    for mg in proto.meta_graphs:
        ops.update(n.op for n in mg.graph_def.node)
        for fn in mg.graph_def.library.function:
            ops.update(n.op for n in fn.node_def)
    return sorted(ops)


def describe(name, folder, samples):
    """The manifest entry: signatures as TensorFlow reports them after loading the export, and each
    sample request with the answer the loaded model gives in process."""
    loaded = tf.saved_model.load(folder)
    entry = {"name": name, "version": VERSION, "path": "%s/%s" % (name, VERSION), "signatures": {}, "samples": [],
             "custom_ops": [op for op in graph_ops(folder) if ">" in op]}
    for key in sorted(loaded.signatures):
        fn = loaded.signatures[key]
        _, in_specs = fn.structured_input_signature
        out_specs = fn.structured_outputs
        entry["signatures"][key] = {
            "inputs": {n: {"dtype": dtype_name(s.dtype), "shape": s.shape.as_list()} for n, s in sorted(in_specs.items())},
            "outputs": {n: {"dtype": dtype_name(s.dtype), "shape": s.shape.as_list()} for n, s in sorted(out_specs.items())},
        }
        instances = samples.get(key)
        if key in samples and instances is None:  # serialized tf.Example input
            feed = {"examples": tf.constant(EXAMPLE_SAMPLE)}
            request = {"signature_name": key,
                       "instances": [{"b64": __import__("base64").b64encode(e).decode("ascii")} for e in EXAMPLE_SAMPLE]}
        elif instances is not None:
            feed = {n: tf.constant(v) for n, v in columns(instances, in_specs).items()}
            request = {"instances": instances} if key == "serving_default" else {"signature_name": key, "instances": instances}
        else:
            continue
        result = fn(**feed)
        outputs = {n: to_json(t.numpy()) for n, t in sorted(result.items())}
        names = sorted(outputs)
        batch = len(outputs[names[0]])
        predictions = ([outputs[names[0]][i] for i in range(batch)] if len(names) == 1
                       else [{n: outputs[n][i] for n in names} for i in range(batch)])
        entry["samples"].append({"signature_name": key, "request": request, "outputs": outputs,
                                 "expected": {"predictions": predictions}})
    return entry


def export(out_dir, only=None):
    keras.utils.set_random_seed(SEED)
    os.makedirs(out_dir, exist_ok=True)
    manifest = {"tensorflow": tf.__version__, "keras": keras.__version__, "version": VERSION,
                "candidates": NUM_PRODUCTS, "k": K, "float_tolerance": 1e-4, "models": []}
    timings = {}
    for name, (build, samples, with_warmup) in MODELS.items():
        if only and name not in only:
            continue
        t0 = time.monotonic()
        folder = os.path.join(out_dir, name, VERSION)
        shutil.rmtree(os.path.join(out_dir, name), ignore_errors=True)
        module, signatures = build()
        tf.saved_model.save(module, folder, signatures=signatures)
        if with_warmup:
            instances = RETRIEVAL_SAMPLE
            specs = {"user_id": USER, "hour_of_day": HOUR}
            records = [warmup.predict_log_record(name, columns(instances[:n], specs)) for n in (1, 3)]
            warmup.write_requests(os.path.join(folder, warmup.REQUESTS_FILE), records)
        manifest["models"].append(describe(name, folder, samples))
        if with_warmup:
            manifest["models"][-1]["warmup_records"] = 2
        timings[name] = round(time.monotonic() - t0, 2)
    manifest["export_seconds"] = timings
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    return manifest


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(HERE, "out"), help="folder to export into (default: %(default)s)")
    p.add_argument("--only", default="", help="comma-separated model names (default: all)")
    args = p.parse_args(argv)
    t0 = time.monotonic()
    only = [n for n in args.only.split(",") if n]
    unknown = [n for n in only if n not in MODELS]
    if unknown:
        p.error("--only: unknown model %s (known: %s)" % (", ".join(unknown), ", ".join(MODELS)))
    manifest = export(os.path.abspath(args.out), only)
    print("exported %s to %s in %.1f s (tensorflow %s)" % (", ".join(m["name"] for m in manifest["models"]),
                                                          os.path.abspath(args.out), time.monotonic() - t0,
                                                          tf.__version__))


if __name__ == "__main__":
    main(sys.argv[1:])

"""The Python server against real TensorFlow: the model zoo (deploy/examples/zoo, exported by
TensorFlow) and TF Serving's own test models (../shared/fixtures), loaded by model_backend, served
by the Flask app in process and by gunicorn as the container runs it.

Needs a Python with tensorflow, flask and numpy (node scripts/python-env.mjs makes one). Without
it these tests skip, or fail under CI=true / MLSERVING_REQUIRE_TF=1. MLSERVING_ZOO points at an
exported zoo (scripts/model-zoo.mjs); without it the zoo is exported into a temp folder once.
"""

import atexit
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import support

TF_MISSING = support.tensorflow_missing()
HALF_PLUS_TWO = os.path.join(support.FIXTURES, "saved_models", "tensorflow_serving")
if support.EXAMPLES not in sys.path:
    sys.path.insert(0, support.EXAMPLES)

_zoo = {}


def zoo_dir():
    """The exported zoo: MLSERVING_ZOO, else exported once into a temp folder."""
    if "dir" in _zoo:
        return _zoo["dir"]
    given = os.environ.get("MLSERVING_ZOO")
    if given:
        if not os.path.isfile(os.path.join(given, "manifest.json")):
            raise AssertionError("MLSERVING_ZOO=%s holds no manifest.json" % given)
        _zoo["dir"] = given
        return given
    out = tempfile.mkdtemp(prefix="zoo-")
    atexit.register(shutil.rmtree, out, True)
    done = subprocess.run([sys.executable, os.path.join(support.EXAMPLES, "zoo", "export_zoo.py"), "--out", out],
                          capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"))
    if done.returncode != 0:
        raise AssertionError("export_zoo.py failed:\n" + done.stderr[-3000:])
    _zoo["dir"] = out
    return out


def manifest():
    if "manifest" not in _zoo:
        with open(os.path.join(zoo_dir(), "manifest.json")) as f:
            _zoo["manifest"] = {m["name"]: m for m in json.load(f)["models"]}
    return _zoo["manifest"]


def model_folder(entry):
    return os.path.join(zoo_dir(), entry["path"])


def extra_modules(entry):
    return "mlserving_demo_ops" if entry["custom_ops"] else ""


def assert_close(test, got, want, where="", tol=1e-4):
    """JSON values equal, floats within tol (relative for large values)."""
    if isinstance(want, dict):
        test.assertIsInstance(got, dict, where)
        test.assertEqual(sorted(got), sorted(want), where)
        for k in want:
            assert_close(test, got[k], want[k], "%s.%s" % (where, k), tol)
    elif isinstance(want, list):
        test.assertIsInstance(got, list, where)
        test.assertEqual(len(got), len(want), where)
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(test, g, w, "%s[%d]" % (where, i), tol)
    elif isinstance(want, float) or isinstance(got, float):
        test.assertTrue(math.isclose(got, want, rel_tol=tol, abs_tol=tol), "%s: %r != %r" % (where, got, want))
    else:
        test.assertEqual(got, want, where)


class RealTensorFlowCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if TF_MISSING:
            if support.required():
                raise AssertionError("TensorFlow is required under CI=true / MLSERVING_REQUIRE_TF=1: " + TF_MISSING)
            raise unittest.SkipTest(TF_MISSING)
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow  # noqa: F401


def tf_signatures(folder):
    """What TensorFlow reports for each signature: dtype and shape of every input and output from
    the loaded functions, tensor names and method name from TensorFlow's own SavedModel parser."""
    import tensorflow as tf
    from tensorflow.core.framework import types_pb2
    from tensorflow.python.saved_model import loader_impl

    loaded = tf.saved_model.load(folder)
    proto = loader_impl.parse_saved_model(folder)
    defs = [g for g in proto.meta_graphs if "serve" in g.meta_info_def.tags][0].signature_def
    out = {}
    for key, fn in loaded.signatures.items():
        _, inputs = fn.structured_input_signature
        outputs = fn.structured_outputs

        def spec(s, info):
            return {"dtype": types_pb2.DataType.Name(s.dtype.as_datatype_enum),
                    "tensor_shape": {"dim": [{"size": str(-1 if d is None else d), "name": ""} for d in s.shape.as_list()],
                                     "unknown_rank": False},
                    "name": info.name}
        out[key] = {"inputs": {n: spec(s, defs[key].inputs[n]) for n, s in inputs.items()},
                    "outputs": {n: spec(s, defs[key].outputs[n]) for n, s in outputs.items()},
                    "method_name": defs[key].method_name, "defaults": {}}
    return loaded, out


class ZooModels(RealTensorFlowCase):
    """Each zoo export loaded by model_backend and served by the Flask app in process."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import model_backend

        cls.models = {}
        for name, entry in manifest().items():
            cls.models[name] = model_backend.load_saved_model(model_folder(entry), entry["version"], extra_modules(entry))

    def client(self, name):
        from server import create_app

        return support.Client(create_app(model=self.models[name], model_name=name, labels={}))

    def test_the_zoo_has_every_model_with_its_signatures(self):
        self.assertEqual(sorted(manifest()), ["custom_op_retrieval", "multitask", "ranking", "retrieval", "tfx_example"])
        self.assertEqual(sorted(self.models["multitask"].signatures), ["rank", "serving_default"])
        self.assertEqual(sorted(self.models["tfx_example"].signatures), ["serving_default", "serving_raw"])
        self.assertEqual(manifest()["custom_op_retrieval"]["custom_ops"], ["MlServingDemo>TopKDot"])
        for name in ("retrieval", "custom_op_retrieval"):
            outputs = self.models[name].signatures["serving_default"].outputs
            self.assertEqual({k: (v.dtype, v.shape) for k, v in outputs.items()},
                             {"product_ids": ("DT_STRING", [-1, 100]), "scores": ("DT_FLOAT", [-1, 100])}, name)

    def test_metadata_equals_what_tensorflow_reports(self):
        for name, entry in manifest().items():
            _, want = tf_signatures(model_folder(entry))
            status, body, _, _ = self.client(name).get("/v1/models/%s/metadata" % name)
            self.assertEqual(status, 200, name)
            self.assertEqual(body["model_spec"], {"name": name, "signature_name": "", "version": entry["version"]})
            self.assertEqual(body["metadata"]["signature_def"]["signature_def"], want, name)
            # The manifest the Node tests read says the same.
            for key, sig in want.items():
                for side in ("inputs", "outputs"):
                    self.assertEqual({n: (s["dtype"], [None if d["size"] == "-1" else int(d["size"]) for d in s["tensor_shape"]["dim"]])
                                      for n, s in sig[side].items()},
                                     {n: (s["dtype"], s["shape"]) for n, s in entry["signatures"][key][side].items()},
                                     "%s %s %s" % (name, key, side))

    def test_predict_equals_tensorflow_in_process(self):
        import numpy as np
        import tensorflow as tf

        for name, entry in manifest().items():
            loaded, _ = tf_signatures(model_folder(entry))
            self.assertTrue(entry["samples"], name)
            for sample in entry["samples"]:
                key = sample["signature_name"]
                where = "%s %s" % (name, key)
                status, body, text, _ = self.client(name).post("/v1/models/%s:predict" % name, sample["request"])
                self.assertEqual(status, 200, "%s: %s" % (where, text[:300]))
                # The answer TensorFlow gives in this process for the same inputs, fed directly.
                fn = loaded.signatures[key]
                _, specs = fn.structured_input_signature
                rows = sample["request"]["instances"]
                if len(specs) == 1 and (not isinstance(rows[0], dict) or list(rows[0]) == ["b64"]):
                    import base64
                    feed = {next(iter(specs)): tf.constant([base64.b64decode(r["b64"]) for r in rows])}
                else:
                    feed = {n: tf.constant(np.array([r[n] for r in rows], dtype=s.dtype.as_numpy_dtype))
                            for n, s in specs.items()}
                result = {n: t.numpy() for n, t in fn(**feed).items()}
                names = sorted(result)
                as_json = {n: (np.vectorize(lambda b: b.decode(), otypes=[object])(v).tolist() if v.dtype == object
                               else v.tolist()) for n, v in result.items()}
                want = ([as_json[names[0]][i] for i in range(len(rows))] if len(names) == 1
                        else [{n: as_json[n][i] for n in names} for i in range(len(rows))])
                assert_close(self, body["predictions"], want, where)
                assert_close(self, body["predictions"], sample["expected"]["predictions"], where + " (manifest)")

    def test_retrieval_returns_the_top_100_of_20000_candidates(self):
        status, body, _, _ = self.client("retrieval").post(
            "/v1/models/retrieval:predict", {"instances": [{"user_id": "user_1", "hour_of_day": 12.0}]})
        self.assertEqual(status, 200)
        row = body["predictions"][0]
        self.assertEqual(len(row["product_ids"]), 100)
        self.assertEqual(len(set(row["product_ids"])), 100)
        self.assertEqual(row["scores"], sorted(row["scores"], reverse=True))
        self.assertTrue(all(p.startswith("product_") for p in row["product_ids"]))

    def test_custom_op_and_tf_top_k_agree(self):
        """The same towers scored by MlServingDemo>TopKDot and by tf.math.top_k."""
        request = {"instances": [{"user_id": "user_%d" % i, "hour_of_day": float(i % 24)} for i in range(8)]}
        _, a, _, _ = self.client("retrieval").post("/v1/models/retrieval:predict", request)
        _, b, _, _ = self.client("custom_op_retrieval").post("/v1/models/custom_op_retrieval:predict", request)
        for ra, rb in zip(a["predictions"], b["predictions"]):
            self.assertEqual(ra["product_ids"][:20], rb["product_ids"][:20])
            assert_close(self, rb["scores"], ra["scores"], tol=1e-3)

    def test_tf_example_signature_parses_serialized_examples(self):
        sample = [s for s in manifest()["tfx_example"]["samples"] if s["signature_name"] == "serving_default"][0]
        raw = [s for s in manifest()["tfx_example"]["samples"] if s["signature_name"] == "serving_raw"][0]
        _, via_examples, _, _ = self.client("tfx_example").post("/v1/models/tfx_example:predict", sample["request"])
        _, via_raw, _, _ = self.client("tfx_example").post("/v1/models/tfx_example:predict", raw["request"])
        assert_close(self, via_examples["predictions"], via_raw["predictions"])
        status, body, _, _ = self.client("tfx_example").post("/v1/models/tfx_example:predict",
                                                              {"instances": [{"b64": "bm90IGFuIGV4YW1wbGU="}]})
        self.assertEqual(status, 400, body)
        self.assertIn("Could not parse example input", body["error"])

    def test_unknown_user_is_out_of_vocabulary_not_an_error(self):
        status, body, _, _ = self.client("ranking").post("/v1/models/ranking:predict", {"instances": [
            {"user_id": "nobody", "product_id": "product_00001", "price": 1.0, "hour_of_day": 1.0}]})
        self.assertEqual(status, 200, body)
        self.assertEqual(len(body["predictions"]), 1)


class WarmUp(RealTensorFlowCase):
    """assets.extra/tf_serving_warmup_requests replayed at load, as TF Serving does."""

    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="warmup-")
        self.addCleanup(shutil.rmtree, self.base)

    def copy_model(self, source, name="m", version="1"):
        target = os.path.join(self.base, name, version)
        shutil.copytree(source, target)
        return target

    def load(self, name="m"):
        from server import create_app

        return create_app(environ={"MODEL_NAME": name, "MODEL_BASE_PATH": self.base})

    def test_the_zoo_retrieval_model_replays_its_requests_before_it_is_available(self):
        self.copy_model(model_folder(manifest()["retrieval"]), "retrieval")
        import model_backend

        calls = []
        real_predict = model_backend.TfSavedModel.predict

        def counting(model, signature_name, inputs):
            calls.append((signature_name, {k: v.shape for k, v in inputs.items()}))
            return real_predict(model, signature_name, inputs)
        model_backend.TfSavedModel.predict = counting
        self.addCleanup(setattr, model_backend.TfSavedModel, "predict", real_predict)
        with self.assertLogs("tf_serving_python", "INFO") as logged:
            self.load("retrieval")
        text = "\n".join(logged.output)
        self.assertIn("Number of warmup records read: 2.", text)
        self.assertLess(text.index("Number of warmup records read"), text.index("AVAILABLE"))
        self.assertEqual(calls, [("serving_default", {"user_id": (1,), "hour_of_day": (1,)}),
                                 ("serving_default", {"user_id": (3,), "hour_of_day": (3,)})])

    def test_more_than_1000_records_fail_the_load(self):
        import warmup

        folder = self.copy_model(model_folder(manifest()["ranking"]))
        record = warmup.predict_log_record("m", {"user_id": [b"user_1"], "product_id": [b"product_00001"],
                                                 "price": [1.0], "hour_of_day": [2.0]})
        warmup.write_requests(os.path.join(folder, warmup.REQUESTS_FILE), [record] * 1001)
        with self.assertLogs("tf_serving_python", "ERROR"):
            with self.assertRaisesRegex(warmup.WarmupError, r"Number of warmup records exceeds the maximum \(1000\)"):
                self.load()

    def test_a_failing_warmup_request_fails_the_load_naming_the_record(self):
        import warmup

        folder = self.copy_model(model_folder(manifest()["ranking"]))
        good = warmup.predict_log_record("m", {"user_id": [b"user_1"], "product_id": [b"product_00001"],
                                               "price": [1.0], "hour_of_day": [2.0]})
        bad = warmup.predict_log_record("m", {"user_id": [b"user_1"]}, signature_name="nope")
        warmup.write_requests(os.path.join(folder, warmup.REQUESTS_FILE), [good, bad])
        with self.assertLogs("tf_serving_python", "ERROR") as logged:
            with self.assertRaisesRegex(warmup.WarmupError, r"warm-up record 2 of .*signature 'nope' is not in the model"):
                self.load()
        self.assertIn("failed to load", "\n".join(logged.output))

    def test_a_file_that_is_not_tfrecord_fails_the_load(self):
        import warmup

        folder = self.copy_model(model_folder(manifest()["ranking"]))
        os.makedirs(os.path.join(folder, "assets.extra"))
        with open(os.path.join(folder, warmup.REQUESTS_FILE), "wb") as f:
            f.write(b"this is not a TFRecord file at all")
        with self.assertLogs("tf_serving_python", "ERROR"):
            with self.assertRaisesRegex(warmup.WarmupError, "Please verify your warmup data is in TFRecord format"):
                self.load()


class TfServingTestModels(RealTensorFlowCase):
    """TF Serving's own half_plus_two exports, loaded by real TensorFlow."""

    def setUp(self):
        if not support.fixtures_available():
            support.skip_or_fail(self, "fixtures absent: %s" % support.FIXTURES)

    def test_half_plus_two_answers_2_5_3_0_4_5(self):
        from server import create_app

        app = create_app(environ={"MODEL_NAME": "saved_model_half_plus_two_cpu", "MODEL_BASE_PATH": HALF_PLUS_TWO})
        c = support.Client(app)
        status, body, _, _ = c.post("/v1/models/saved_model_half_plus_two_cpu:predict", {"instances": [[1.0], [2.0], [5.0]]})
        self.assertEqual((status, body), (200, {"predictions": [[2.5], [3.0], [4.5]]}))
        status, body, _, _ = c.post("/v1/models/saved_model_half_plus_two_cpu:predict",
                                    {"signature_name": "regress_x2_to_y3", "inputs": [[2.0]]})
        self.assertEqual((status, body), (200, {"outputs": [[4.0]]}))

    def test_half_plus_two_metadata_equals_tf_servings(self):
        from server import create_app

        with open(os.path.join(HALF_PLUS_TWO, "half_plus_two_model_metadata.json")) as f:
            want = json.load(f)["metadata"]["signature_def"]["signature_def"]
        app = create_app(environ={"MODEL_NAME": "saved_model_half_plus_two_cpu", "MODEL_BASE_PATH": HALF_PLUS_TWO})
        status, body, _, _ = support.Client(app).get("/v1/models/saved_model_half_plus_two_cpu/metadata")
        self.assertEqual(status, 200)
        got = body["metadata"]["signature_def"]["signature_def"]
        for key in want:
            if key == "__saved_model_init_op":
                continue
            for side in ("inputs", "outputs"):
                for n, info in want[key][side].items():
                    self.assertEqual((got[key][side][n]["dtype"], got[key][side][n]["name"],
                                      [d["size"] for d in got[key][side][n]["tensor_shape"]["dim"]]),
                                     (info["dtype"], info["name"], [d["size"] for d in info["tensor_shape"].get("dim", [])]),
                                     "%s %s %s" % (key, side, n))
            self.assertEqual(got[key]["method_name"], want[key]["method_name"], key)

    def test_a_tf_text_model_fails_naming_tf_text(self):
        """The stock binary links TF Text; TensorFlow's pip package does not, so the server says so."""
        import model_backend

        folder = os.path.join(HALF_PLUS_TWO, "tf_text_regression", "01")
        with self.assertRaises(model_backend.ModelLoadError) as caught:
            model_backend.load_saved_model(folder, "1")
        message = str(caught.exception)
        self.assertRegex(message, r"Op type not registered '\w+' in binary running on")
        self.assertRegex(message, r"\w+: a TF Text op, which the stock TF Serving binary links but this server does "
                                  r"not: install tensorflow-text \(module tensorflow_text\)")

    def test_tf2_export_answers(self):
        from server import create_app

        app = create_app(environ={"MODEL_NAME": "saved_model_half_plus_two_tf2_cpu", "MODEL_BASE_PATH": HALF_PLUS_TWO})
        status, body, _, _ = support.Client(app).post("/v1/models/saved_model_half_plus_two_tf2_cpu:predict",
                                                      {"inputs": [5.0]})
        self.assertEqual((status, body), (200, {"outputs": [4.5]}))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """server.py under gunicorn with gunicorn.conf.py, as the image runs it."""

    def __init__(self, model_name, base, **env):
        self.port = free_port()
        self.log = tempfile.TemporaryFile(mode="w+")
        full_env = dict(os.environ, MODEL_NAME=model_name, MODEL_BASE_PATH=base, PORT=str(self.port),
                        TF_CPP_MIN_LOG_LEVEL="2", GUNICORN_THREADS="4", PYTHONDONTWRITEBYTECODE="1")
        full_env.update(env)
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "server:create_app()"],
                                     cwd=support.PYTHON_SERVER, env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.url = "http://127.0.0.1:%d" % self.port

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def wait_ready(self, path, budget=120):
        """True once path answers 200; False when the server exited first."""
        deadline = time.monotonic() + budget
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn neither served %s nor exited in %d s:\n%s" % (path, budget, self.output()[-3000:]))

    def wait_exit(self, budget=120):
        try:
            return self.proc.wait(budget)
        except subprocess.TimeoutExpired:
            raise AssertionError("gunicorn did not exit in %d s:\n%s" % (budget, self.output()[-3000:]))

    def post(self, path, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method="POST",
                                     headers=dict({"Content-Type": "application/json"}, **(headers or {})))
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


class GunicornServer(RealTensorFlowCase):
    """The server process as the container runs it, over real HTTP."""

    def start(self, model, **env):
        g = Gunicorn(model, zoo_dir(), **env)
        self.addCleanup(g.stop)
        return g

    def op_env(self, **extra):
        env = {"PYTHONPATH": os.pathsep.join(p for p in [support.EXAMPLES, os.environ.get("PYTHONPATH", "")] if p)}
        env.update(extra)
        return env

    def test_custom_op_model_serves_with_extra_op_modules(self):
        entry = manifest()["custom_op_retrieval"]
        g = self.start("custom_op_retrieval", **self.op_env(EXTRA_OP_MODULES="mlserving_demo_ops"))
        self.assertTrue(g.wait_ready("/v1/models/custom_op_retrieval"), g.output()[-3000:])
        sample = entry["samples"][0]
        status, text = g.post("/v1/models/custom_op_retrieval:predict", sample["request"])
        self.assertEqual(status, 200, text[:500])
        assert_close(self, json.loads(text)["predictions"], sample["expected"]["predictions"])
        self.assertIn("Number of warmup records read: 2.", g.output())

    def test_custom_op_model_without_its_op_module_fails_at_load_naming_op_and_package(self):
        g = self.start("custom_op_retrieval", **self.op_env())
        self.assertFalse(g.wait_ready("/v1/models/custom_op_retrieval"), "the server started without the op library")
        self.assertNotEqual(g.wait_exit(), 0)
        out = g.output()
        self.assertIn("Op type not registered 'MlServingDemo>TopKDot' in binary running on", out)
        self.assertIn("MlServingDemo>TopKDot: registered by the package mlserving-demo-ops; set "
                      "EXTRA_OP_MODULES=mlserving_demo_ops", out)
        self.assertIn("model custom_op_retrieval version %s failed to load" % manifest()["custom_op_retrieval"]["version"], out)

    def test_limits_over_http(self):
        g = self.start("retrieval", MAX_INSTANCES_PER_REQUEST="64")
        self.assertTrue(g.wait_ready("/v1/models/retrieval"), g.output()[-3000:])
        # Cloud Run's 32 MiB: one byte more is refused with 413 and TF Serving's error shape.
        big = b'{"instances": ["' + b"x" * (32 * 1024 * 1024 - 18) + b'"]}'
        self.assertEqual(len(big), 32 * 1024 * 1024 + 1)
        status, text = g.post("/v1/models/retrieval:predict", big)
        self.assertEqual(status, 413, text[:300])
        self.assertEqual(list(json.loads(text)), ["error"])
        self.assertIn("33554432 bytes", json.loads(text)["error"])
        rows = [{"user_id": "user_%d" % i, "hour_of_day": 1.0} for i in range(65)]
        status, text = g.post("/v1/models/retrieval:predict", {"instances": rows})
        self.assertEqual(status, 400)
        self.assertIn("Request has 65 instances; this server accepts at most 64 per request (MAX_INSTANCES_PER_REQUEST)",
                      json.loads(text)["error"])
        status, text = g.post("/v1/models/retrieval:predict", {"instances": rows[:64]})
        self.assertEqual(status, 200, text[:300])
        self.assertEqual(len(json.loads(text)["predictions"]), 64)


if __name__ == "__main__":
    unittest.main()

"""The Python server as a Vertex AI custom container (AIP_* variables, aip.py): the contract's
checks, Vertex AI's predict body on a stand-in model, and the server under gunicorn as Vertex AI
starts it, loading a zoo model from AIP_STORAGE_URI with real TensorFlow."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import support
import test_real_tensorflow as rt

HEALTH = "/v1/endpoints/123/deployed_models/456"
PREDICT = "/v1/endpoints/123/deployed_models/456:predict"


def aip_env(**extra):
    env = {"AIP_HTTP_PORT": "8080", "AIP_HEALTH_ROUTE": HEALTH, "AIP_PREDICT_ROUTE": PREDICT,
           "AIP_STORAGE_URI": "gs://my-bucket/models/retrieval", "AIP_MODE": "PREDICTION"}
    env.update(extra)
    return env


class Contract(unittest.TestCase):
    """aip.config_from_env: what Vertex AI sets, and every bad value named."""

    def test_reads_the_variables_vertex_sets(self):
        import aip

        c = aip.config_from_env(aip_env(AIP_HTTP_PORT="7080"))
        self.assertEqual((c.port, c.health_route, c.predict_route, c.storage_uri, c.storage_var),
                         (7080, HEALTH, PREDICT, "gs://my-bucket/models/retrieval", "AIP_STORAGE_URI"))
        self.assertEqual(aip.config_from_env(aip_env(AIP_HTTP_PORT="")).port, 8080)
        c = aip.config_from_env(aip_env(AIP_STORAGE_URI="", AIP_MODEL_DIR="/mnt/model/"))
        self.assertEqual((c.storage_uri, c.storage_var), ("/mnt/model", "AIP_MODEL_DIR"))
        self.assertIsNone(aip.config_from_env({"PORT": "8501", "MODEL_NAME": "m"}))

    def test_bad_values_are_named(self):
        import aip

        cases = [
            ({"AIP_HTTP_PORT": "http"}, "AIP_HTTP_PORT: expected a port number from 1 to 65535, got 'http'"),
            ({"AIP_HTTP_PORT": "70000"}, "AIP_HTTP_PORT: expected a port number"),
            ({"AIP_HTTP_PORT": "0"}, "AIP_HTTP_PORT: expected a port number"),
            ({"AIP_HEALTH_ROUTE": ""}, "AIP_HEALTH_ROUTE: not set"),
            ({"AIP_HEALTH_ROUTE": "health"}, "AIP_HEALTH_ROUTE: expected a URL path starting with '/'"),
            ({"AIP_PREDICT_ROUTE": "/p?x=1"}, "AIP_PREDICT_ROUTE: expected a URL path"),
            ({"AIP_PREDICT_ROUTE": HEALTH}, "AIP_PREDICT_ROUTE: must differ from AIP_HEALTH_ROUTE"),
            ({"AIP_STORAGE_URI": "models/retrieval"}, "AIP_STORAGE_URI: expected a gs:// URI or an absolute local path"),
            ({"AIP_STORAGE_URI": "gs://B/x"}, "AIP_STORAGE_URI: expected gs://BUCKET/PATH"),
            ({"AIP_STORAGE_URI": "", "AIP_MODEL_DIR": "s3://b/m"}, "AIP_MODEL_DIR: expected a gs:// URI"),
        ]
        for change, message in cases:
            with self.subTest(change=change):
                with self.assertRaises(aip.ConfigError) as caught:
                    aip.config_from_env(aip_env(**change))
                self.assertIn(message, str(caught.exception))

    def test_create_app_refuses_a_bad_variable(self):
        from server import ConfigError, create_app
        from standin_model import half_plus_two

        with self.assertRaisesRegex(ConfigError, "AIP_STORAGE_URI: expected a gs:// URI"):
            create_app(model=half_plus_two(), model_name="m", environ=aip_env(AIP_STORAGE_URI="relative/dir"))


class VertexBody(unittest.TestCase):
    """AIP_PREDICT_ROUTE and AIP_HEALTH_ROUTE on a stand-in model (no TensorFlow)."""

    def setUp(self):
        from server import create_app
        from standin_model import half_plus_two

        self.model = half_plus_two()
        self.c = support.Client(create_app(model=self.model, model_name="m", labels={}, environ=aip_env()))

    def test_instances_and_parameters_answer_predictions(self):
        status, body, _, r = self.c.post(PREDICT, {"instances": [[1.0], [2.0], [5.0]], "parameters": {}})
        self.assertEqual((status, body), (200, {"predictions": [[2.5], [3.0], [4.5]]}))
        self.assertEqual(r.content_type, "application/json")
        status, body, _, _ = self.c.post(PREDICT, {"instances": [[2.0]],
                                                   "parameters": {"signature_name": "regress_x2_to_y3"}})
        self.assertEqual((status, body), (200, {"predictions": [[4.0]]}))
        self.assertEqual(self.model.calls[-1][0], "regress_x2_to_y3")

    def test_raw_predict_body_is_tf_servings(self):
        status, body, _, _ = self.c.post(PREDICT, {"signature_name": "regress_x2_to_y3", "inputs": [[2.0]]})
        self.assertEqual((status, body), (200, {"outputs": [[4.0]]}))

    def test_bad_bodies_get_400_with_the_field_named(self):
        cases = [
            ({"instances": [[1.0]], "parameters": [1]}, "parameters: expected a JSON object"),
            ({"instances": [[1.0]], "parameters": {"top_k": 5}}, "parameters: unknown key top_k"),
            ({"instances": [[1.0]], "parameters": {"signature_name": 3}}, "parameters.signature_name: expected a string"),
            ({"parameters": {}}, "instances: missing"),
            ({"instances": [[1.0]], "parameters": {"signature_name": "nope"}}, '"nope" not found in signature def'),
        ]
        for request, message in cases:
            with self.subTest(request=request):
                status, body, text, _ = self.c.post(PREDICT, request)
                self.assertEqual(status, 400, text)
                self.assertEqual(list(body), ["error"])
                self.assertIn(message, body["error"])
        status, body, _, _ = self.c.post(PREDICT, raw="{not json")
        self.assertEqual(status, 400)
        self.assertIn("JSON Parse error", body["error"])

    def test_health_route_and_tf_serving_paths(self):
        status, body, _, _ = self.c.get(HEALTH)
        self.assertEqual(status, 200)
        self.assertEqual(body["model_version_status"][0]["state"], "AVAILABLE")
        self.assertEqual(self.c.get(PREDICT)[0], 405)
        self.assertEqual(self.c.post(HEALTH, {})[0], 405)
        status, body, _, _ = self.c.post("/v1/models/m:predict", {"instances": [[1.0]]})
        self.assertEqual((status, body), (200, {"predictions": [[2.5]]}))

    def test_the_routes_the_extension_registers_are_tf_servings_own(self):
        """src/serving/endpoints/deployPlan.ts registers healthRoute /v1/models/NAME and predictRoute
        /v1/models/NAME:predict with MODEL_NAME=NAME; Vertex AI's body is read there too."""
        from server import create_app
        from standin_model import half_plus_two

        c = support.Client(create_app(model=half_plus_two(), labels={}, environ=aip_env(
            MODEL_NAME="m", AIP_HEALTH_ROUTE="/v1/models/m", AIP_PREDICT_ROUTE="/v1/models/m:predict")))
        status, body, _, _ = c.get("/v1/models/m")
        self.assertEqual((status, body["model_version_status"][0]["version"]), (200, "123"))
        status, body, _, _ = c.post("/v1/models/m:predict", {"instances": [[2.0]],
                                                             "parameters": {"signature_name": "regress_x2_to_y3"}})
        self.assertEqual((status, body), (200, {"predictions": [[4.0]]}))
        self.assertEqual(c.get("/v1/models/m/metadata")[0], 200)


GATE_MODULE = '''"""Test-only: blocks the model load (EXTRA_OP_MODULES imports it first) until the gate file exists."""
import os
import time

while not os.path.exists(os.environ["AIP_TEST_GATE"]):
    time.sleep(0.05)
'''


class AipGunicorn(rt.Gunicorn):
    """gunicorn.conf.py and server.py with only Vertex AI's variables (no PORT, no MODEL_BASE_PATH)."""

    def __init__(self, **env):  # noqa: super().__init__ is replaced: the port comes from AIP_HTTP_PORT
        self.port = rt.free_port()
        self.log = tempfile.TemporaryFile(mode="w+")
        full_env = {k: v for k, v in os.environ.items() if k not in ("PORT", "MODEL_BASE_PATH", "MODEL_NAME")}
        full_env.update(aip_env(AIP_HTTP_PORT=str(self.port)), TF_CPP_MIN_LOG_LEVEL="2", GUNICORN_THREADS="4",
                        PYTHONDONTWRITEBYTECODE="1")
        full_env.update(env)
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "server:create_app()"],
                                     cwd=support.PYTHON_SERVER, env=full_env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.url = "http://127.0.0.1:%d" % self.port

    def get(self, path):
        """(status, body text), or None while nothing listens yet."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except (urllib.error.URLError, ConnectionError, OSError):
            return None

    def first_answer(self, path, budget=120):
        deadline = time.monotonic() + budget
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("gunicorn exited:\n" + self.output()[-3000:])
            got = self.get(path)
            if got is not None:
                return got
            time.sleep(0.1)
        raise AssertionError("nothing answered %s in %d s:\n%s" % (path, budget, self.output()[-3000:]))


class VertexContainer(rt.RealTensorFlowCase):
    """The server as Vertex AI runs it: a zoo model from AIP_STORAGE_URI, real TensorFlow, real HTTP."""

    def start(self, **env):
        g = AipGunicorn(**env)
        self.addCleanup(g.stop)
        return g

    def test_health_503_until_loaded_then_predict_equals_tensorflow(self):
        entry = rt.manifest()["multitask"]
        version_folder = rt.model_folder(entry)
        gate_dir = tempfile.mkdtemp(prefix="aip-gate-")
        self.addCleanup(shutil.rmtree, gate_dir, True)
        with open(os.path.join(gate_dir, "aip_gate.py"), "w") as f:
            f.write(GATE_MODULE)
        gate = os.path.join(gate_dir, "open")
        # The folder holding numbered versions, as a model's artifactUri often is.
        g = self.start(AIP_STORAGE_URI=os.path.dirname(version_folder), EXTRA_OP_MODULES="aip_gate",
                       AIP_TEST_GATE=gate, PYTHONPATH=os.pathsep.join([gate_dir, os.environ.get("PYTHONPATH", "")]))

        # Loading (held at the gate): the port is open, health and predict answer 503.
        status, text = g.first_answer(HEALTH)
        self.assertEqual(status, 503, text)
        self.assertIn("is loading", json.loads(text)["error"])
        status, text = g.post(PREDICT, entry["samples"][0]["request"])
        self.assertEqual(status, 503, text)

        open(gate, "w").close()
        self.assertTrue(g.wait_ready(HEALTH), g.output()[-3000:])
        status, text = g.get(HEALTH)
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(text)["model_version_status"][0]["version"], entry["version"])
        self.assertIn("model model version %s AVAILABLE" % entry["version"], g.output())

        for sample in entry["samples"]:
            # Vertex AI's body: instances, and the signature in parameters.
            body = {"instances": sample["request"]["instances"], "parameters": {"signature_name": sample["signature_name"]}}
            status, text = g.post(PREDICT, body)
            self.assertEqual(status, 200, text[:500])
            self.assertEqual(list(json.loads(text)), ["predictions"])
            rt.assert_close(self, json.loads(text)["predictions"], sample["expected"]["predictions"], sample["signature_name"])
        # TF Serving's own path serves the same model.
        sample = entry["samples"][0]
        status, text = g.post("/v1/models/model:predict", sample["request"])
        self.assertEqual(status, 200, text[:500])
        rt.assert_close(self, json.loads(text)["predictions"], sample["expected"]["predictions"])

    def test_version_folder_as_storage_uri(self):
        entry = rt.manifest()["retrieval"]
        g = self.start(AIP_STORAGE_URI=rt.model_folder(entry))
        self.assertTrue(g.wait_ready(HEALTH), g.output()[-3000:])
        sample = entry["samples"][0]
        status, text = g.post(PREDICT, {"instances": sample["request"]["instances"]})
        self.assertEqual(status, 200, text[:500])
        rt.assert_close(self, json.loads(text)["predictions"], sample["expected"]["predictions"])

    def test_a_bad_port_stops_the_server_naming_it(self):
        bad = self.start(AIP_HTTP_PORT="80800")
        self.assertNotEqual(bad.wait_exit(), 0)
        self.assertIn("AIP_HTTP_PORT: expected a port number from 1 to 65535, got '80800'", bad.output())

    def test_a_model_that_cannot_load_stops_the_server_naming_the_folder(self):
        empty = tempfile.mkdtemp(prefix="aip-empty-")
        self.addCleanup(shutil.rmtree, empty, True)
        g = self.start(AIP_STORAGE_URI=empty)
        self.assertNotEqual(g.wait_exit(), 0)
        self.assertIn("AIP_STORAGE_URI: %s holds neither saved_model.pb nor numeric version folders" % empty, g.output())


class ThroughTensorFlowFileSystem(rt.RealTensorFlowCase):
    """A gs:// AIP_STORAGE_URI is read with tf.io.gfile, never os. No Cloud Storage here, so the
    zoo model is copied into TensorFlow's ram:// file system, which goes through the same code."""

    def test_loads_and_serves_a_model_from_a_tensorflow_file_system(self):
        import tensorflow as tf

        import model_backend
        from server import Servable, vertex_predict

        entry = rt.manifest()["ranking"]
        source = rt.model_folder(entry)
        root = "ram://aip-%d/models/ranking" % os.getpid()
        for folder, _, files in os.walk(source):
            target = root + "/" + entry["version"] + folder[len(source):].replace(os.sep, "/")
            tf.io.gfile.makedirs(target)
            for name in files:
                tf.io.gfile.copy(os.path.join(folder, name), target + "/" + name)
        self.addCleanup(tf.io.gfile.rmtree, "ram://aip-%d" % os.getpid())

        version, folder = model_backend.find_storage_version(root)
        self.assertEqual((version, folder), (entry["version"], root + "/" + entry["version"]))
        self.assertEqual(model_backend.find_storage_version(folder), (entry["version"], folder))
        with self.assertRaisesRegex(model_backend.ModelNotFound, "AIP_STORAGE_URI: ram://nowhere is not a folder"):
            model_backend.find_storage_version("ram://nowhere")
        model = model_backend.load_saved_model(folder, version)
        sample = entry["samples"][0]
        text = vertex_predict(Servable("model", model), json.dumps({"instances": sample["request"]["instances"]}))
        rt.assert_close(self, json.loads(text)["predictions"], sample["expected"]["predictions"])


if __name__ == "__main__":
    unittest.main()

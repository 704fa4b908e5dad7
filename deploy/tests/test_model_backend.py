"""model_backend without TensorFlow: version folder selection as TF Serving does it, and the
import order that lets custom ops (ScaNN's, EXTRA_OP_MODULES) register before the SavedModel loads
(with fake modules; real models are loaded in test_real_tensorflow.py)."""

import importlib.abc
import importlib.machinery
import os
import shutil
import sys
import tempfile
import types
import unittest

import support  # noqa: F401  import paths
import model_backend
from model_backend import ModelNotFound, find_model_version
from server import create_app


class VersionSelection(unittest.TestCase):
    def setUp(self):
        self.base = tempfile.mkdtemp(prefix="models-")
        self.addCleanup(shutil.rmtree, self.base)

    def version_dir(self, name, version, pb=True):
        path = os.path.join(self.base, name, version)
        os.makedirs(path)
        if pb:
            open(os.path.join(path, "saved_model.pb"), "wb").close()
        return path

    def test_highest_numeric_version_wins(self):
        self.version_dir("m", "1")
        self.version_dir("m", "00000123")
        want = self.version_dir("m", "1584391735")  # a TFX Pusher timestamp
        self.version_dir("m", "9")
        os.makedirs(os.path.join(self.base, "m", "99999999999-tmp"))  # not a number: ignored
        self.assertEqual(find_model_version(self.base, "m"), ("1584391735", want))

    def test_leading_zeros_are_dropped(self):
        want = self.version_dir("m", "00000123")
        self.assertEqual(find_model_version(self.base, "m"), ("123", want))

    def test_missing_model_folder(self):
        with self.assertRaisesRegex(ModelNotFound, r"model folder .*/absent does not exist: mount"):
            find_model_version(self.base, "absent")

    def test_unversioned_export_is_explained(self):
        os.makedirs(os.path.join(self.base, "m"))
        open(os.path.join(self.base, "m", "saved_model.pb"), "wb").close()
        with self.assertRaisesRegex(ModelNotFound, r"No versions of servable m found under base path .*"
                                                   r"put it in a numeric folder"):
            find_model_version(self.base, "m")

    def test_version_without_saved_model(self):
        self.version_dir("m", "3", pb=False)
        with self.assertRaisesRegex(ModelNotFound, r"3 holds no saved_model.pb"):
            find_model_version(self.base, "m")

    def test_pbtxt_is_accepted(self):
        path = self.version_dir("m", "4", pb=False)
        open(os.path.join(path, "saved_model.pbtxt"), "w").close()
        self.assertEqual(find_model_version(self.base, "m")[0], "4")


class _FakeModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves `tensorflow`, an extra op package and (when `scann_installed`) `scann` as fake
    modules, recording imports. The fake TensorFlow's load fails with TensorFlow's own text when
    the graph has a Scann> op and scann was not imported."""

    def __init__(self, events, scann_installed=True):
        self.events = events
        self.scann_installed = scann_installed
        self.graph_ops = ["MatMul"]

    def find_spec(self, name, path, target=None):
        if name in ("tensorflow", "fake_text_ops") or (name == "scann" and self.scann_installed):
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        events = self.events
        events.append("import " + module.__name__)
        if module.__name__ != "tensorflow":
            return
        graph_ops = self.graph_ops

        class OpError(Exception):
            pass

        def load(folder, tags):
            events.append("load %s %s" % (os.path.basename(folder), tags))
            for op in graph_ops:
                if op.startswith("Scann>") and "import scann" not in events:
                    raise RuntimeError("Op type not registered '%s' in binary running on test." % op)
            return types.SimpleNamespace(signatures={})
        module.errors = types.SimpleNamespace(OpError=OpError)
        module.saved_model = types.SimpleNamespace(load=load)


class LoadOrder(unittest.TestCase):
    """Only the import order is tested with fakes; loading real models is test_real_tensorflow."""

    def setUp(self):
        self.events = []
        self.finder = _FakeModules(self.events)
        self.saved = {n: sys.modules.pop(n) for n in ("scann", "tensorflow", "fake_text_ops") if n in sys.modules}
        sys.meta_path.insert(0, self.finder)
        self.addCleanup(self.restore)
        self.real = (model_backend.read_meta_graph, model_backend.graph_ops, model_backend.signatures_of)
        model_backend.read_meta_graph = lambda folder: "meta graph of " + folder
        model_backend.graph_ops = lambda meta_graph: self.finder.graph_ops
        model_backend.signatures_of = lambda meta_graph, folder: {"serving_default": "sig"}

    def restore(self):
        sys.meta_path.remove(self.finder)
        model_backend.read_meta_graph, model_backend.graph_ops, model_backend.signatures_of = self.real
        for n in ("scann", "tensorflow", "fake_text_ops"):
            sys.modules.pop(n, None)
        sys.modules.update(self.saved)

    def test_installed_scann_and_extra_op_modules_are_imported_before_tensorflow_loads(self):
        model = model_backend.load_saved_model("/models/m/5", "5", extra_op_modules="fake_text_ops")
        self.assertEqual(self.events, ["import scann", "import fake_text_ops", "import tensorflow",
                                       "load 5 ['serve']"])
        self.assertEqual((model.version, model.signatures), ("5", {"serving_default": "sig"}))

    def test_scann_is_not_needed_when_absent_and_unused(self):
        self.finder.scann_installed = False
        model_backend.load_saved_model("/models/m/5", "5", extra_op_modules="fake_text_ops")
        self.assertEqual(self.events, ["import fake_text_ops", "import tensorflow", "load 5 ['serve']"])

    def test_a_graph_with_scann_ops_but_no_scann_fails_naming_op_and_package(self):
        self.finder.scann_installed = False
        self.finder.graph_ops = ["MatMul", "Scann>ScannSearchBatched"]
        with self.assertLogs("tf_serving_python", "ERROR") as logged:
            with self.assertRaises(model_backend.ModelLoadError) as caught:
                model_backend.load_saved_model("/models/m/5", "5")
        message = str(caught.exception)
        self.assertIn("Op type not registered 'Scann>ScannSearchBatched'", message)  # TensorFlow's own text
        self.assertIn("Scann>ScannSearchBatched: registered by the package scann (module scann), which is not "
                      "installed", message)
        self.assertIn("the graph uses Scann>ScannSearchBatched, but scann is not installed", "\n".join(logged.output))

    def test_an_extra_op_module_that_cannot_be_imported_is_named(self):
        with self.assertRaisesRegex(model_backend.ModelLoadError, r"EXTRA_OP_MODULES: cannot import no_such_ops"):
            model_backend.load_saved_model("/models/m/5", "5", extra_op_modules="no_such_ops")
        self.assertNotIn("load 5 ['serve']", self.events)

    def test_create_app_loads_the_highest_version_from_env(self):
        base = tempfile.mkdtemp(prefix="models-")
        self.addCleanup(shutil.rmtree, base)
        for v in ("2", "10"):
            os.makedirs(os.path.join(base, "retrieval", v))
            open(os.path.join(base, "retrieval", v, "saved_model.pb"), "wb").close()
        with self.assertLogs("tf_serving_python", "INFO") as logged:
            app = create_app(environ={"MODEL_NAME": "retrieval", "MODEL_BASE_PATH": base})
        self.assertIn("model retrieval version 10 AVAILABLE", "\n".join(logged.output))
        self.assertIn("No warmup data file found at", "\n".join(logged.output))
        self.assertEqual(self.events[-1], "load 10 ['serve']")
        self.assertEqual(self.events.index("import scann"), 0)
        status, body, _, _ = support.Client(app).get("/v1/models/retrieval")
        self.assertEqual((status, body["model_version_status"][0]["version"]), (200, "10"))


if __name__ == "__main__":
    unittest.main()

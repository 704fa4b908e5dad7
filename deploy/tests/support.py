"""Shared by the deploy/ tests: import paths, the shared fixtures folder, a Flask test client."""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.dirname(HERE)
REPO_ROOT = os.path.dirname(DEPLOY)
PYTHON_SERVER = os.path.join(DEPLOY, "tf_serving_python")
NATIVE = os.path.join(DEPLOY, "tf_serving_native")
EXAMPLES = os.path.join(DEPLOY, "examples")  # the model zoo exporter and mlserving_demo_ops
# Read-only reference material beside the repository; tests skip when it is absent.
FIXTURES = os.path.join(os.path.dirname(REPO_ROOT), "shared", "fixtures")

for p in (PYTHON_SERVER, HERE):
    if p not in sys.path:
        sys.path.insert(0, p)


def fixtures_available():
    return os.path.isdir(FIXTURES)


def required():
    """Under CI=true (or MLSERVING_REQUIRE_TF=1) what real tests need must be there: a missing
    TensorFlow or fixtures folder fails the run instead of skipping."""
    return os.environ.get("CI") == "true" or os.environ.get("MLSERVING_REQUIRE_TF") == "1"


def tensorflow_missing():
    """Why TensorFlow cannot be imported, or None (checked without importing it)."""
    import importlib.util

    for name in ("tensorflow", "flask", "numpy"):
        if importlib.util.find_spec(name) is None:
            return "%s is not installed in %s (node scripts/python-env.mjs makes a venv with it)" % (name, sys.executable)
    return None


def skip_or_fail(test_case, reason):
    """Skips with the reason, or fails when required() says the run needs it."""
    if required():
        test_case.fail("required under CI=true / MLSERVING_REQUIRE_TF=1: " + reason)
    test_case.skipTest(reason)


def load_body(text):
    """TF Serving bodies may hold NaN / Infinity, which Python's json accepts."""
    return json.loads(text)


class Client:
    """A Flask test client speaking TF Serving's REST API: (status, parsed body, raw text)."""

    def __init__(self, app):
        self._c = app.test_client()

    def call(self, method, path, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        r = self._c.open(path, method=method, data=data, content_type="application/json")
        text = r.get_data(as_text=True)
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return r.status_code, parsed, text, r

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None, raw=None):
        return self.call("POST", path, body, raw)

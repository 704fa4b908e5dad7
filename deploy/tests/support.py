"""Shared by the deploy/ tests: import paths, the shared fixtures folder, a Flask test client."""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.dirname(HERE)
REPO_ROOT = os.path.dirname(DEPLOY)
PYTHON_SERVER = os.path.join(DEPLOY, "tf_serving_python")
NATIVE = os.path.join(DEPLOY, "tf_serving_native")
# Read-only reference material beside the repository; tests skip when it is absent.
FIXTURES = os.path.join(os.path.dirname(REPO_ROOT), "shared", "fixtures")

for p in (PYTHON_SERVER, HERE):
    if p not in sys.path:
        sys.path.insert(0, p)


def fixtures_available():
    return os.path.isdir(FIXTURES)


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

"""TF Serving's REST API in Python, for SavedModels whose custom ops (ScaNN, ...) the stock
tensorflow_model_server binary lacks. Same URLs, bodies, error texts and HTTP status codes:

  GET  /v1/models/NAME[/versions/V|/labels/L]           model status
  GET  /v1/models/NAME[/versions/V|/labels/L]/metadata  signature defs
  POST /v1/models/NAME[/versions/V|/labels/L]:predict   row ("instances") or columnar ("inputs")

Environment: MODEL_NAME (default "model"), MODEL_BASE_PATH (default /models; the model is served
from the highest numeric version folder under MODEL_BASE_PATH/MODEL_NAME), PORT (gunicorn.conf.py),
MODEL_VERSION_LABELS ("stable=123,canary=124", optional), EXTRA_OP_MODULES (custom op packages to
import before loading, optional; scann is imported when installed or when the graph needs it),
MAX_REQUEST_BYTES (default 33554432, Cloud Run's 32 MiB request limit; larger bodies get 413),
MAX_INSTANCES_PER_REQUEST (default 10000; more instances, or a longer batch in "inputs", get 400).

As a Vertex AI custom container (aip.py: AIP_HTTP_PORT, AIP_HEALTH_ROUTE, AIP_PREDICT_ROUTE,
AIP_STORAGE_URI) the model loads in the background from AIP_STORAGE_URI: the health route answers
503 until it is loaded, then 200; the predict route takes {"instances", "parameters"} (or TF
Serving's own body, as rawPredict sends it); TF Serving's paths above keep working. A model that
fails to load there ends the process (gunicorn's APP_LOAD_ERROR), so the deployment fails with
the reason in the container's log.

At load the model's assets.extra/tf_serving_warmup_requests are replayed, as TF Serving does; a
model that fails to load (a missing op library, a failing warm-up request) stops the server with
the reason in the log.

Run: gunicorn -c gunicorn.conf.py "server:create_app()"
"""

import logging
import os
import re
import threading
import urllib.parse

from flask import Flask, Response, request
from werkzeug.exceptions import RequestEntityTooLarge

import aip
import request_json
import response_json
from aip import ConfigError
from rest_routes import Route, is_rest_api_path, route
from tfs_errors import TfServingError, internal, invalid_argument, not_found, unimplemented

log = logging.getLogger("tf_serving_python")

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024  # Cloud Run's request size limit
DEFAULT_MAX_INSTANCES = 10000


def positive_int_env(environ, name, default):
    text = environ.get(name, "").strip()
    if not text:
        return default
    if not re.fullmatch(r"\d+", text) or int(text) < 1:
        raise ConfigError("%s: expected a positive whole number, got %r" % (name, text))
    return int(text)


def parse_labels(text, version):
    """MODEL_VERSION_LABELS "label=version,..." -> {label: version}; labels must name the served
    version (the server holds one)."""
    labels = {}
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)=(\d+)", part)
        if not m:
            raise ConfigError("MODEL_VERSION_LABELS: expected label=version, got %r" % part)
        if str(int(m.group(2))) != version:
            raise ConfigError("MODEL_VERSION_LABELS: label %s names version %s, but the served version is %s"
                              % (m.group(1), m.group(2), version))
        labels[m.group(1)] = version
    return labels


def model_name_from_env(environ):
    name = environ.get("MODEL_NAME", "model")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise ConfigError("MODEL_NAME: expected letters, digits, '_', '.', '-' (no '/'), got %r" % name)
    return name


class Servable:
    """The one served model version and how requests resolve to it (ServerCore::GetServableHandle,
    GetModelVersionForLabel), with TF Serving's error texts."""

    def __init__(self, name, model, labels=None):
        if not re.fullmatch(r"\d+", str(model.version)):
            raise ConfigError("model.version: expected a numeric version, got %r" % (model.version,))
        self.name = name
        self.model = model
        self.version = str(model.version)
        self.labels = dict(labels or {})

    def _version_for(self, r):
        if r.label is None:
            return r.version
        if r.model != self.name or r.label not in self.labels:
            raise invalid_argument("Unrecognized servable version label: ", r.label)
        return self.labels[r.label]

    def resolve(self, r):
        version = self._version_for(r)
        request_text = "Latest(%s)" % r.model if version is None else "Specific(%s, %s)" % (r.model, version)
        if r.model != self.name or (version is not None and version != self.version):
            raise not_found("Servable not found for request: ", request_text)
        return self.model

    def status_versions(self, r):
        version = self._version_for(r)
        if version is None:
            if r.model != self.name:
                raise not_found("Could not find any versions of model ", r.model)
            return [self.version]
        if r.model != self.name or version != self.version:
            raise not_found("Could not find version ", version, " of model ", r.model)
        return [self.version]


def _raw_path():
    """The path as sent (still percent-encoded), so names are decoded once, like TF Serving."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path = raw.split("?", 1)[0]
        if "://" in path:  # absolute-form request target
            path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
        return path
    return urllib.parse.quote(request.path, safe="/:")


def predict(servable, r, body, max_instances=DEFAULT_MAX_INSTANCES):
    return predict_doc(servable, r, request_json.parse_body(body), max_instances)


def predict_doc(servable, r, doc, max_instances=DEFAULT_MAX_INSTANCES):
    signature_name = request_json.signature_name_of(doc)
    model = servable.resolve(r)
    key = signature_name or "serving_default"
    signature = model.signatures.get(key)
    if signature is None:
        raise invalid_argument('Serving signature name: "', request_json.bounded(key), '" not found in signature def')
    request_format, inputs = request_json.read_predict_request(doc, signature.inputs, max_instances)
    outputs = model.predict(key, inputs)
    return response_json.predict_body(outputs, request_format)


VERTEX_PARAMETERS = ("signature_name",)


def vertex_predict(servable, body, max_instances=DEFAULT_MAX_INSTANCES):
    """Vertex AI's predict body {"instances": [...], "parameters": {...}} answered with TF Serving's
    row format ({"predictions": [...]}). parameters may name the signature; without parameters the
    body is TF Serving's own (rawPredict forwards it as sent), "inputs" included."""
    doc = request_json.parse_body(body)
    if "parameters" in doc:
        params = doc["parameters"]
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise invalid_argument("parameters: expected a JSON object, got ", request_json.bounded(
                request_json.json_text(params)))
        unknown = sorted(k for k in params if k not in VERTEX_PARAMETERS)
        if unknown:
            raise invalid_argument("parameters: unknown key ", request_json.bounded(", ".join(unknown)),
                                   "; this server accepts ", ", ".join(VERTEX_PARAMETERS))
        doc = {k: v for k, v in doc.items() if k != "parameters"}
        if "signature_name" in params:
            if not isinstance(params["signature_name"], str):
                raise invalid_argument("parameters.signature_name: expected a string")
            if "signature_name" in doc and doc["signature_name"] != params["signature_name"]:
                raise invalid_argument("parameters.signature_name: differs from the body's signature_name")
            doc["signature_name"] = params["signature_name"]
        if "instances" not in doc:
            raise invalid_argument("instances: missing; Vertex AI's predict body is "
                                   '{"instances": [...], "parameters": {...}}')
    r = Route("predict", "predict", servable.name, None, None)
    return predict_doc(servable, r, doc, max_instances)


def handle(servable, http_method, path, body, max_instances=DEFAULT_MAX_INSTANCES):
    """(HTTP status, JSON text) for one request."""
    r = route(http_method, path)
    if r.kind == "status":
        return 200, response_json.status_body(servable.status_versions(r))
    if r.kind == "metadata":
        model = servable.resolve(r)
        return 200, response_json.metadata_body(r.model, servable.version, model.signatures)
    if r.method == "predict":
        return 200, predict(servable, r, body, max_instances)
    servable.resolve(r)
    raise unimplemented(":", r.method, " is not served by the Python server (tf-serving-python); "
                        "call :predict with the signature_name of the ", r.method, " signature")


def create_app(model=None, model_name=None, labels=None, environ=None, on_load_failure=None):
    """The Flask app. Without a model, loads the one MODEL_BASE_PATH/MODEL_NAME points at (this is
    what gunicorn calls); tests pass a stand-in model object. Under Vertex AI (AIP_* set) the model
    loads on a thread while the health route answers 503; on_load_failure(error) runs when that
    load fails (default: end the process)."""
    environ = os.environ if environ is None else environ
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if model_name is None:
        model_name = model_name_from_env(environ)
    max_bytes = positive_int_env(environ, "MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES)
    max_instances = positive_int_env(environ, "MAX_INSTANCES_PER_REQUEST", DEFAULT_MAX_INSTANCES)
    vertex = aip.config_from_env(environ)
    # state["servable"] is None while a Vertex AI model loads in the background.
    state = {"servable": None}

    def make_servable(m):
        return Servable(model_name, m, parse_labels(environ.get("MODEL_VERSION_LABELS", ""), str(m.version))
                        if labels is None else labels)

    if model is not None:
        state["servable"] = make_servable(model)
    elif vertex is None:
        state["servable"] = make_servable(load_model(environ, model_name))
    else:
        _load_in_background(environ, model_name, vertex, state, make_servable, on_load_failure or _halt)

    app = Flask("tf_serving_python")
    # Werkzeug stops reading a body past this, also a chunked one without Content-Length.
    app.config["MAX_CONTENT_LENGTH"] = max_bytes

    @app.route("/", defaults={"path": ""}, methods=_METHODS)
    @app.route("/<path:path>", methods=_METHODS)
    def serve(path):  # noqa: ARG001  the raw path is read from the environ
        raw = _raw_path()
        servable = state["servable"]
        if vertex is not None and request.path == vertex.health_route:
            if request.method not in ("GET", "HEAD"):
                return _json(405, response_json.error_body("Method %s not allowed on AIP_HEALTH_ROUTE %s"
                                                           % (request.method, vertex.health_route)))
            if servable is None:
                return _json(503, response_json.error_body("model %s is loading from %s"
                                                           % (model_name, vertex.storage_uri or "MODEL_BASE_PATH")))
            return _json(200, response_json.status_body([servable.version]))
        is_vertex_predict = vertex is not None and request.path == vertex.predict_route
        if is_vertex_predict and request.method != "POST":
            return _json(405, response_json.error_body("Method %s not allowed on AIP_PREDICT_ROUTE %s (use POST)"
                                                       % (request.method, vertex.predict_route)))
        if not is_vertex_predict and not is_rest_api_path(raw):
            # TF Serving's HTTP server has no handler outside /v1/.
            return _json(404, response_json.error_body("Not found: %s %s (this server answers /v1/models/...)"
                                                       % (request.method, raw)))
        try:
            if request.content_length is not None and request.content_length > max_bytes:
                raise RequestEntityTooLarge()
            if servable is None:
                raise TfServingError("UNAVAILABLE", "model %s is still loading" % model_name)
            if is_vertex_predict:
                status, text = 200, vertex_predict(servable, request.get_data(cache=False), max_instances)
            else:
                status, text = handle(servable, request.method, raw, request.get_data(cache=False), max_instances)
        except RequestEntityTooLarge:
            # Cloud Run refuses such bodies before they reach the container; this server does too.
            # The rest of the body is read and dropped (never kept) so the client, still sending,
            # gets the answer instead of a broken connection; then the connection is closed.
            _discard_body()
            response = _json(413, response_json.error_body(
                "Request body too large: the limit is %d bytes (MAX_REQUEST_BYTES; Cloud Run accepts at most 32 MiB)"
                % max_bytes))
            response.headers["Connection"] = "close"
            return response
        except TfServingError as e:
            status, text = e.http_status, response_json.error_body(e.message)
        except Exception as e:  # an unexpected failure still answers in TF Serving's error form
            log.exception("request %s %s failed", request.method, raw)
            err = internal(type(e).__name__, ": ", request_json.bounded(str(e)))
            status, text = err.http_status, response_json.error_body(err.message)
        return _json(status, text)

    app.config["servable"] = state["servable"]
    app.config["state"] = state
    return app


# gunicorn's arbiter stops (instead of starting a new worker) when a worker exits with this code.
APP_LOAD_ERROR = 4


def _halt(error):  # noqa: ARG001  already logged
    logging.shutdown()
    os._exit(APP_LOAD_ERROR)


def _load_in_background(environ, model_name, vertex, state, make_servable, on_failure):
    def run():
        try:
            state["servable"] = make_servable(load_model(environ, model_name, vertex))
        except Exception as e:
            log.error("model %s failed to load from %s: %s: %s", model_name,
                      vertex.storage_uri or "MODEL_BASE_PATH", type(e).__name__, getattr(e, "message", None) or e)
            on_failure(e)

    threading.Thread(target=run, name="load-model", daemon=True).start()


def load_model(environ, model_name, vertex=None):
    """Loads MODEL_BASE_PATH/MODEL_NAME's highest version (under Vertex AI: AIP_STORAGE_URI's) and
    replays its warm-up requests; on failure logs why (TensorFlow's own text included) and raises,
    so the server does not start."""
    import model_backend  # TensorFlow is imported only here
    import warmup

    if vertex is not None and vertex.storage_uri:
        version, folder = model_backend.find_storage_version(vertex.storage_uri, vertex.storage_var)
    else:
        base = environ.get("MODEL_BASE_PATH", "/models")
        version, folder = model_backend.find_model_version(base, model_name)
    log.info("loading model %s version %s from %s", model_name, version, folder)
    try:
        model = model_backend.load_saved_model(folder, version, environ.get("EXTRA_OP_MODULES", ""))
        warmup.run_warmup(folder, model)
    except (TfServingError, model_backend.ModelLoadError, warmup.WarmupError) as e:
        log.error("model %s version %s failed to load: %s", model_name, version, getattr(e, "message", None) or e)
        raise
    log.info("model %s version %s AVAILABLE; signatures: %s", model_name, version, ", ".join(sorted(model.signatures)))
    return model


_DISCARD_AT_MOST = 256 * 1024 * 1024


def _discard_body():
    """Reads what is left of the request body in 1 MiB chunks and drops it (at most 256 MiB)."""
    stream = request.environ.get("wsgi.input")
    if stream is None:
        return
    read = 0
    try:
        while read < _DISCARD_AT_MOST:
            chunk = stream.read(1024 * 1024)
            if not chunk:
                return
            read += len(chunk)
    except (OSError, ValueError):
        return


def _json(status, text):
    return Response(text, status=status, content_type=response_json.JSON_CONTENT_TYPE)

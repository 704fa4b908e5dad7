"""Vertex AI's custom-container contract: the AIP_* variables Vertex AI sets when this image serves
a model deployed to an endpoint.

  AIP_HTTP_PORT      the port to listen on (containerSpec.ports[0], 8080 when unset)
  AIP_HEALTH_ROUTE   GET: 503 while the model loads, 200 once it answers
  AIP_PREDICT_ROUTE  POST {"instances": [...], "parameters": {...}} -> {"predictions": [...]}
                     (rawPredict forwards TF Serving's own body here unchanged; it is served too)
  AIP_STORAGE_URI    the gs:// folder Vertex AI copied the model's artifactUri to; AIP_MODEL_DIR is
                     read when it is absent. A version folder, or a folder of numbered versions.

Without any of them the server is the Cloud Run one: PORT and MODEL_BASE_PATH/MODEL_NAME.
Only the standard library here: gunicorn.conf.py imports it before the app exists.
"""

import collections
import re

DEFAULT_PORT = 8080  # Vertex AI's default when containerSpec.ports is empty
CONTRACT = ("AIP_HTTP_PORT", "AIP_HEALTH_ROUTE", "AIP_PREDICT_ROUTE", "AIP_STORAGE_URI")

AipConfig = collections.namedtuple("AipConfig", "port health_route predict_route storage_uri storage_var")


class ConfigError(Exception):
    """A bad environment setting, named in the message."""


def is_vertex(environ):
    """True when Vertex AI started the container (any variable of the contract is set)."""
    return any(environ.get(name, "") != "" for name in CONTRACT) or environ.get("AIP_MODE") == "PREDICTION"


def port_of(environ, name, default):
    text = environ.get(name, "").strip()
    if text == "":
        return default
    if not re.fullmatch(r"\d{1,5}", text) or not 1 <= int(text) <= 65535:
        raise ConfigError("%s: expected a port number from 1 to 65535, got %r" % (name, text))
    return int(text)


def _route(environ, name):
    text = environ.get(name, "")
    if text == "":
        raise ConfigError("%s: not set; Vertex AI sets it for a custom container (set it to the path to serve, "
                          "e.g. /health)" % name)
    # Vertex AI sends the request to this exact path; a query, fragment or space could never match.
    if not text.startswith("/") or len(text) > 1024 or re.search(r"[\s?#]", text):
        raise ConfigError("%s: expected a URL path starting with '/' without spaces, '?' or '#', got %r"
                          % (name, text[:200]))
    return text


def _storage(environ):
    for name in ("AIP_STORAGE_URI", "AIP_MODEL_DIR"):
        text = environ.get(name, "").strip()
        if text == "":
            continue
        if text.startswith("gs://"):
            if not re.fullmatch(r"gs://[a-z0-9][a-z0-9._-]{1,221}[a-z0-9](/.*)?", text):
                raise ConfigError("%s: expected gs://BUCKET/PATH with a valid bucket name, got %r" % (name, text))
        elif not text.startswith("/"):
            raise ConfigError("%s: expected a gs:// URI or an absolute local path, got %r" % (name, text))
        return text.rstrip("/") or "/", name
    return None, None


def config_from_env(environ):
    """The AipConfig when Vertex AI's variables are set, else None; ConfigError names a bad one."""
    if not is_vertex(environ):
        return None
    port = port_of(environ, "AIP_HTTP_PORT", DEFAULT_PORT)
    health = _route(environ, "AIP_HEALTH_ROUTE")
    predict = _route(environ, "AIP_PREDICT_ROUTE")
    if health == predict:
        raise ConfigError("AIP_PREDICT_ROUTE: must differ from AIP_HEALTH_ROUTE (both are %r)" % health)
    storage, storage_var = _storage(environ)
    return AipConfig(port, health, predict, storage, storage_var)

"""URL routing of TF Serving's REST API (http_rest_api_util.cc ParseModelInfo): the same
case-insensitive patterns and the same errors for malformed paths."""

import collections
import re
import urllib.parse

from tfs_errors import TfServingError, invalid_argument

Route = collections.namedtuple("Route", "kind method model version label")
# kind: "predict" | "status" | "metadata"; method: "predict" | "classify" | "regress" | None.

_PREDICTION = re.compile(
    r"^/v1/models/([^/:]+)(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict)$",
    re.IGNORECASE)
_STATUS = re.compile(
    r"^/v1/models(?:/([^/:]+))?(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?$",
    re.IGNORECASE)
_INT64_MAX = 2 ** 63 - 1


def is_rest_api_path(path):
    """Paths the REST handler owns; TF Serving answers others with a bare 404."""
    return path[:4].lower() == "/v1/"


def _decode(text, what):
    try:
        return urllib.parse.unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise invalid_argument("Failed to decode %s:" % what, text)


def route(http_method, path):
    """Resolves a request path to a Route or raises TfServingError as TF Serving does."""
    malformed = invalid_argument("Malformed request: ", http_method, " ", path)
    m = None
    if http_method == "POST":
        m = _PREDICTION.match(path)
    elif http_method == "GET":
        m = _STATUS.match(path)
    if m is None:
        raise malformed
    model = _decode(m.group(1), "model name") if m.group(1) else ""
    version = m.group(2)
    if version is not None:
        if int(version) > _INT64_MAX:
            raise TfServingError("INVALID_ARGUMENT", "Failed to convert version: %s to numeric." % version)
        version = str(int(version))
    label = _decode(m.group(3), "model version label") if m.group(3) else None
    if http_method == "POST":
        # The method group matches case-insensitively but TF Serving compares it exactly.
        method = m.group(4)
        if method not in ("predict", "classify", "regress"):
            raise malformed
        return Route("predict", method, model, version, label)
    if not model:
        raise invalid_argument("Missing model name in request.")
    return Route("metadata" if m.group(4) else "status", None, model, version, label)

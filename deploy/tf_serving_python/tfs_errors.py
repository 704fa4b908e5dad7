"""TF Serving's error model: an absl status code plus a message, sent as {"error": message} with
the HTTP status model_servers/http_server.cc ToHTTPStatusCode maps the code to."""

HTTP_STATUS = {
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 400,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 400,
    "ABORTED": 409,
    "OUT_OF_RANGE": 400,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
    "UNAUTHENTICATED": 401,
}

# absl::StatusCode numbers, which tf.errors.OpError.error_code carries.
CODE_NAMES = {
    1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT", 4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND",
    6: "ALREADY_EXISTS", 7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION",
    10: "ABORTED", 11: "OUT_OF_RANGE", 12: "UNIMPLEMENTED", 13: "INTERNAL", 14: "UNAVAILABLE",
    15: "DATA_LOSS", 16: "UNAUTHENTICATED",
}


class TfServingError(Exception):
    """An error answered as TF Serving would answer it."""

    def __init__(self, code, message):
        if code not in HTTP_STATUS:
            raise ValueError("code: unknown status code %r" % (code,))
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def http_status(self):
        return HTTP_STATUS[self.code]

    def status_string(self):
        """absl::Status::ToString(), which TF Serving nests into wrapping messages."""
        return "%s: %s" % (self.code, self.message)


def _make(code):
    return lambda *parts: TfServingError(code, "".join(str(p) for p in parts))


invalid_argument = _make("INVALID_ARGUMENT")
not_found = _make("NOT_FOUND")
internal = _make("INTERNAL")
unimplemented = _make("UNIMPLEMENTED")


def from_code_number(number, message):
    """A TfServingError for an absl code number (e.g. a TensorFlow OpError's error_code)."""
    return TfServingError(CODE_NAMES.get(number, "UNKNOWN"), message)

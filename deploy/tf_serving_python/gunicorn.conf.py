"""gunicorn settings for the Python TF Serving server (run: gunicorn -c gunicorn.conf.py "server:create_app()")."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aip  # noqa: E402

try:
    # On Vertex AI the port is AIP_HTTP_PORT (every AIP_* variable is checked here, so a bad one
    # stops the server before it binds, named in the log); on Cloud Run it is PORT.
    _vertex = aip.config_from_env(os.environ)
    _port = _vertex.port if _vertex else aip.port_of(os.environ, "PORT", 8501)
except aip.ConfigError as e:
    raise SystemExit(str(e))

bind = "0.0.0.0:%d" % _port
# ONE worker: each worker would load its own copy of the model (~2 GB with ScaNN). Requests run
# on threads instead; TensorFlow releases the GIL while it computes.
workers = 1
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# No worker timeout: loading a large model happens inside the worker before it reports alive,
# and Cloud Run already enforces the request timeout.
timeout = 0
# Cloud Run gives 10 s between SIGTERM and SIGKILL.
graceful_timeout = 8
keepalive = 75
errorlog = "-"
# gunicorn >= 24 opens a control socket at one fixed path per user: several servers on one machine
# (the emulator runs one per revision) would fight over it, and nothing here uses it.
control_socket_disable = True
loglevel = os.environ.get("LOG_LEVEL", "info")

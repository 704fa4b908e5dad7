"""gunicorn settings for the Python TF Serving server (run: gunicorn -c gunicorn.conf.py "server:create_app()")."""
import os

_port = os.environ.get("PORT", "8501")
if not _port.isdigit():
    raise SystemExit("PORT: expected a port number, got %r" % _port)

bind = "0.0.0.0:" + _port
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

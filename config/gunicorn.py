"""
gunicorn's settings for Dossier in production (README.md, "Production"):

    gunicorn -c config/gunicorn.py

Threaded workers (gthread): a request mostly waits on PostgreSQL or Redis,
so a few processes with several threads each serve many readers in little
memory; each process has its own database pool (config/database.py), whose
size follows GUNICORN_THREADS. Every value can be set from the environment:

  GUNICORN_BIND              address to listen on (0.0.0.0:8000)
  GUNICORN_WORKERS           processes (the machine's cores)
  GUNICORN_THREADS           threads per process (4)
  GUNICORN_TIMEOUT           seconds a request may take before its worker is
                             restarted (30)
  GUNICORN_GRACEFUL_TIMEOUT  seconds given to requests in progress on SIGTERM
                             or a worker restart (30)
  GUNICORN_KEEPALIVE         seconds an idle connection from the balancer is
                             kept (75: longer than a balancer's own idle
                             timeout, usually 60, so that the balancer, not
                             gunicorn, closes it and never sends a request on
                             a connection being closed)
  FORWARDED_ALLOW_IPS        addresses of the proxies whose X-Forwarded-Proto
                             is believed (127.0.0.1); gunicorn reads it itself
  GUNICORN_ACCESS_LOG        where access lines go ("-": standard output;
                             empty: none)

gunicorn's command-line options (and GUNICORN_CMD_ARGS) override this file.
SIGTERM stops it gracefully: it stops accepting connections, finishes the
requests in progress, then exits; a balancer that retries a refused
connection elsewhere loses no request (scripts/balancer.py, scripts/prod-check).
"""

import os


def _number(name, default):
    text = os.environ.get(name, "").strip()
    return int(text) if text else default


wsgi_app = "config.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND") or "0.0.0.0:8000"]
worker_class = "gthread"
workers = _number("GUNICORN_WORKERS", os.cpu_count() or 2)
threads = _number("GUNICORN_THREADS", 4)
timeout = _number("GUNICORN_TIMEOUT", 30)
graceful_timeout = _number("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _number("GUNICORN_KEEPALIVE", 75)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# A worker is replaced after this many requests (at a random point within
# the jitter, so that they are not all replaced at once): whatever memory a
# long-lived process gathers is returned, without a dropped request.
max_requests = 5000
max_requests_jitter = 500
# gunicorn's control socket (gunicornc) is one path per user, which two app
# servers on one machine would fight over; signals (TERM, HUP, TTIN/TTOU)
# do what is needed.
control_socket_disable = True

"""Gunicorn settings of the production shape (image, compose, Kubernetes).

Gunicorn reads this file from its working directory (/app in the image) by itself; every
value can be changed by the environment variable named beside it, or by
GUNICORN_CMD_ARGS. Why these values (README "Production"):

- sync workers, WEB_CONCURRENCY of them (default 2, for one CPU core; about 2 per core):
  requests are short database work - rendering and sending letters happens in the
  Celery worker - so threads or async workers would buy nothing and cost a
  connection each;
- timeout 30 s: the longest request is a letter preview (one WeasyPrint render, about a
  second); a worker stuck longer is killed and replaced, its request answered 502 by
  the proxy;
- graceful timeout 30 s: a rolling update lets running requests finish (the Kubernetes
  pod's terminationGracePeriodSeconds is longer);
- max requests 2000 (± 200): a worker is replaced now and then, so a slow leak (fonts,
  PDF libraries) never grows without bound;
- the application preloaded: the master imports it once (with its URL configuration,
  WeasyPrint included: a second of CPU) and every worker, a replacement too, is a fork of
  it, ready at once and sharing its memory. Without it each replacement imported the
  application again: at a few hundred requests a second, a worker every few seconds, a
  fifth of the web workers' time (README "Benchmarks"). The master opens no database
  connection (one left open would be shared by the forks: closed before each fork);
  ``GUNICORN_PRELOAD=false`` turns it off (a worker then loads code changed on disk);
- the preloaded application frozen for the garbage collector before each fork
  (``gc.freeze``): its objects (modules, URL patterns, serializer plans, about 170,000)
  live as long as the worker, so a worker's collections need not walk them - a full
  collection over them took tens of milliseconds - and the collector no longer writes
  to their pages (reference counts still do, so the sharing with the master is partial);
- no access log: backend.logs writes one JSON line a request, without query strings
  (a search for a name is personal data).
"""

import gc
import os

from django.db import connections
from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in ("0", "false", "no")
# The heartbeat files in memory, not on a (read-only, or slow overlay) root filesystem.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")  # noqa: S108 - tmpfs
accesslog = None
errorlog = "-"
# The control socket would be written under the (read-only) home directory.
control_socket_disable = True
# Limits on the request line and headers (ASVS 13.1). Gunicorn answers a request beyond
# them itself, with an HTML page, before Django sees it. So the request line may be as
# long as gunicorn allows (8,190 bytes, its maximum): the limit callers meet is Django's
# MAX_URL_BYTES (4,096), which answers 414 problem+json (backend/api/long_urls.py). Past
# 8,190 gunicorn's own 414 remains. A header line over 8,190 bytes (its default, stated
# here) or more than 100 headers: gunicorn's 431, also HTML (README "Production").
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190


def pre_fork(server: object, worker: object) -> None:
    """A connection the master opened would be one socket shared by every fork; what the
    master holds is frozen for the collector (the module docstring)."""
    if preload_app:
        connections.close_all()
        gc.collect()  # what is garbage now is not frozen with the rest
        gc.freeze()


def child_exit(server: object, worker: object) -> None:
    """With Prometheus' multiprocess mode (PROMETHEUS_MULTIPROC_DIR), a replaced worker's
    live gauges leave with it."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)

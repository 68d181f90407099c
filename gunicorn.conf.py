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
- the collector run between requests, not in the middle of them: each worker collects
  the young generations as a request starts (the one before has let go of everything it
  held) and the whole heap every ``GUNICORN_GC_FULL_EVERY`` requests (default 1,000),
  and the automatic collection waits for 10,000 new objects instead of 700, so it only
  fires inside a request that makes that many. Left to its defaults the collector ran
  mid-request every 700 allocations and walked the request's live objects - serializers,
  model instances, the parsed body - again and again, promoting them to be walked once
  more: 0.21 ms of a filing's 5 ms, and 4-9 % of the worker's CPU for a filing or a
  queue page measured in process, 1-2 % of a filing over HTTP (the instructions are the
  same; what changes is the walks' cache misses - docs/design.md 32). Between requests
  the live set is nearly empty, so a collection costs only the garbage (about 400
  objects a filing: 0.13 ms). ``GUNICORN_GC_BETWEEN_REQUESTS=false`` restores the
  defaults;
- no access log: backend.logs writes one JSON line a request, without query strings
  (a search for a name is personal data).
"""

import gc
import os

from django.db import connections
from prometheus_client import multiprocess


def _switched_on(variable: str) -> bool:
    """A switch that is on unless the environment says 0, false or no."""
    return os.environ.get(variable, "true").lower() not in ("0", "false", "no")


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
preload_app = _switched_on("GUNICORN_PRELOAD")
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
gc_between_requests = _switched_on("GUNICORN_GC_BETWEEN_REQUESTS")
gc_full_every = int(os.environ.get("GUNICORN_GC_FULL_EVERY", "1000"))
# New objects before an automatic collection: more than any ordinary request makes.
GC_YOUNG_THRESHOLD = 10_000


def pre_fork(server: object, worker: object) -> None:
    """A connection the master opened would be one socket shared by every fork; what the
    master holds is frozen for the collector (the module docstring)."""
    if preload_app:
        connections.close_all()
        gc.collect()  # what is garbage now is not frozen with the rest
        gc.freeze()


def post_fork(server: object, worker: object) -> None:
    """The collector's automatic runs deferred (the module docstring)."""
    if gc_between_requests:
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def pre_request(worker: object, req: object) -> None:
    """Collect what the request before left, before this one allocates anything: its
    live objects are then few. Every ``gc_full_every`` requests the old generation too
    (a worker's caches; garbage promoted there is otherwise never walked again)."""
    if gc_between_requests:
        # gunicorn counts the request after this hook: nr is the number answered so far.
        full = gc_full_every > 0 and worker.nr % gc_full_every == 0
        gc.collect(2 if full else 1)


def child_exit(server: object, worker: object) -> None:
    """With Prometheus' multiprocess mode (PROMETHEUS_MULTIPROC_DIR), a replaced worker's
    live gauges leave with it."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)

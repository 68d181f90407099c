"""Prometheus metrics at ``/api/v1/metrics`` (protected by ``METRICS_TOKEN``).

Measured here, in the web process: requests by route, method and status, and their
duration (with gunicorn's several workers set ``PROMETHEUS_MULTIPROC_DIR`` to a shared,
empty folder so every worker counts). Read at scrape time, so they hold for every
process: what each app registers (``register``) - the outbox queue depth per topic, and
what the apps add in their ``ready()``: open and missed deadlines, the last deadline
sweep's duration, letters by delivery state, failed tasks. No label ever carries personal
data or a case reference.
"""

import hmac
import os
import time
from collections.abc import Callable, Iterable

from celery.signals import task_failure
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

REQUESTS = Counter("http_requests_total", "HTTP requests answered.", ["method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

Collect = Callable[[], Iterable[Metric]]
_collectors: list[Collect] = []


def register(collect: Collect) -> None:
    """An app adds metrics read at scrape time (from the database or the shared cache)."""
    if collect not in _collectors:
        _collectors.append(collect)


def request_observed(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    LATENCY.labels(route=route).observe(seconds)


def duration_record(name: str, seconds: float) -> None:
    """A job's last duration (e.g. the sweep, run by the worker), kept in the shared cache
    so the web process can report it."""
    cache.set(f"metrics:duration:{name}", (seconds, time.time()), timeout=None)


def duration_read(name: str) -> tuple[float, float] | None:
    return cache.get(f"metrics:duration:{name}")


@task_failure.connect
def _task_failed(sender: object = None, **_: object) -> None:
    name = getattr(sender, "name", "unknown")
    key = f"metrics:tasks_failed:{name}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)
    names = set(cache.get("metrics:tasks_failed", set())) | {name}
    cache.set("metrics:tasks_failed", names, timeout=None)


def _outbox() -> Iterable[Metric]:
    # By label: this module loads with the Celery app, before Django's models are ready.
    OutboxDelivery = apps.get_model("outbox", "OutboxDelivery")
    depth = GaugeMetricFamily(
        "outbox_waiting",
        "Outbox deliveries not yet done, per consumer and state (pending, dead).",
        labels=["consumer", "state"],
    )
    for row in (
        OutboxDelivery.objects.filter(state__in=["pending", "dead"])
        .values("consumer", "state")
        .annotate(n=Count("id"))
        .order_by("consumer", "state")
    ):
        depth.add_metric([row["consumer"], row["state"]], row["n"])
    yield depth


def _tasks_failed() -> Iterable[Metric]:
    failed = GaugeMetricFamily(
        "celery_tasks_failed", "Celery tasks that raised, per task (since the cache was made).",
        labels=["task"],
    )  # fmt: skip
    for name in sorted(cache.get("metrics:tasks_failed", set())):
        failed.add_metric([name], cache.get(f"metrics:tasks_failed:{name}", 0))
    yield failed


class _Registered:
    def collect(self) -> Iterable[Metric]:
        for collect in (_outbox, _tasks_failed, *_collectors):
            yield from collect()


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The scrape endpoint: ``Authorization: Bearer <METRICS_TOKEN>``; absent without a
    configured token (404), so nothing is exposed by default."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY):
            registry.register(collector)
    registry.register(_Registered())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)

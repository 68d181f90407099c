"""The cases app's metrics, read at scrape time (``backend.metrics``): open deadlines by
kind and state, those past due, and the last deadline sweep's duration."""

from collections.abc import Iterable

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from backend.metrics import duration_read
from cases.models import Deadline, DeadlineState

SWEEP = "deadlines_sweep"


def collect() -> Iterable[Metric]:
    deadlines = GaugeMetricFamily(
        "deadlines", "Deadlines by kind and state.", labels=["kind", "state"]
    )
    for row in Deadline.objects.values("kind", "state").annotate(n=Count("id")):
        deadlines.add_metric([row["kind"], row["state"]], row["n"])
    yield deadlines
    overdue = GaugeMetricFamily(
        "deadlines_running_overdue", "Running deadlines past their due date (not swept yet)."
    )
    overdue.add_metric(
        [],
        Deadline.objects.filter(
            state=DeadlineState.RUNNING, due_date__lt=timezone.localdate()
        ).count(),
    )
    yield overdue
    last = duration_read(SWEEP)
    if last is not None:
        seconds, at = last
        duration = GaugeMetricFamily(
            "deadline_sweep_duration_seconds", "How long the last deadline sweep took."
        )
        duration.add_metric([], seconds)
        yield duration
        finished = GaugeMetricFamily(
            "deadline_sweep_last_run_timestamp_seconds", "When the last deadline sweep ended."
        )
        finished.add_metric([], at)
        yield finished

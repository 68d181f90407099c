"""The letters app's metrics, read at scrape time (``backend.metrics``): letters made and
their deliveries by channel and state (failed ones need a person)."""

from collections.abc import Iterable

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric

from letters.models import Letter, LetterDelivery


def collect() -> Iterable[Metric]:
    letters = GaugeMetricFamily("letters_rendered", "Letters rendered and stored.")
    letters.add_metric([], Letter.objects.count())
    yield letters
    deliveries = GaugeMetricFamily(
        "letter_deliveries", "Letter deliveries by channel and state.", labels=["channel", "state"]
    )
    for row in LetterDelivery.objects.values("channel", "state").annotate(n=Count("id")):
        deliveries.add_metric([row["channel"], row["state"]], row["n"])
    yield deliveries

"""Keyset pages: walking next (or previous) links visits every row once, in order."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from backend.api.pagination import KeysetPagination
from backend.api.parsing import parse_date, parse_datetime, parse_int
from cases.models import Case
from tests.factories import CaseFactory, TeamFactory

BASE = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def paginator(size):
    return KeysetPagination(
        fields=["queue_due_date", "received_at", "id"],
        parsers=[parse_date, parse_datetime, parse_int],
        default_size=size,
        max_size=100,
    )


def request_for(url):
    return Request(APIRequestFactory().get(url))


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=0, max_size=12),
    size=st.integers(1, 5),
)
def test_pages_cover_all_rows_in_order_both_ways(rows, size):
    Case.objects.all().delete()
    team = TeamFactory(code="paging")
    for due_offset, minute in rows:  # many ties on purpose
        CaseFactory(
            team=team,
            queue_due_date=datetime.date(2026, 3, 1) + datetime.timedelta(days=due_offset),
            received_at=BASE + datetime.timedelta(minutes=minute),
        )
    queryset = Case.objects.order_by("queue_due_date", "received_at", "id")
    expected = list(queryset.values_list("pk", flat=True))

    seen, url, last_links = [], "/api/v1/cases", None
    while url:
        page, links = paginator(size).paginate(queryset, request_for(url))
        assert len(page) <= size
        seen.extend(case.pk for case in page)
        url, last_links = links["next"], links
    assert seen == expected

    backwards, url = [], last_links["previous"] if last_links else None
    while url:
        page, links = paginator(size).paginate(queryset, request_for(url))
        backwards = [case.pk for case in page] + backwards
        url = links["previous"]
    last_page_len = len(expected) - len(backwards)
    assert backwards == expected[: len(expected) - last_page_len]

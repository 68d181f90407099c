"""Calendars kept per process (backend/versioned_cache.py): read once, and never stale
after a change commits - in this process or in another that shares the cache."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from backend.versioned_cache import Versioned
from cases.deadlines import legal_calendar, legal_calendar_kept, municipal_calendar, norm_calendar
from cases.models import ClosingDay, DecreeDay

DAY = datetime.date(2031, 5, 30)


def _decree_days_read() -> dict:
    return dict(DecreeDay.objects.values_list("date", "name"))


@pytest.mark.django_db
def test_a_calendar_is_read_once_then_kept():
    legal_calendar(), norm_calendar()
    with CaptureQueriesContext(connection) as queries:
        legal_calendar(), norm_calendar()
    assert len(queries) == 0


@pytest.mark.django_db
def test_the_transaction_that_changes_the_days_reads_them_and_a_rollback_leaves_no_trace():
    assert DAY not in legal_calendar().decree_days
    seen_inside = []

    def change_then_fail() -> None:
        with transaction.atomic():
            DecreeDay.objects.create(date=DAY, name="Vrijdag", source="Stcrt. 2030, 1")
            seen_inside.append(DAY in legal_calendar().decree_days)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert seen_inside == [True]
    assert DAY not in legal_calendar().decree_days
    with CaptureQueriesContext(connection) as queries:  # and the cache serves again
        assert DAY not in legal_calendar().decree_days
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_reaches_every_process_that_shares_the_cache():
    other_process = Versioned(legal_calendar_kept.version_key.split(":", 1)[1], _decree_days_read)
    assert DAY not in other_process.get()
    assert DAY not in legal_calendar().decree_days
    DecreeDay.objects.create(date=DAY, name="Vrijdag", source="Stcrt. 2030, 1")
    assert DAY in other_process.get()
    assert DAY in legal_calendar().decree_days
    DecreeDay.objects.filter(date=DAY).delete()
    assert DAY not in other_process.get()
    assert DAY not in legal_calendar().decree_days


@pytest.mark.django_db(transaction=True)
def test_a_closing_day_counts_from_the_moment_it_is_committed():
    assert DAY not in norm_calendar().closing_days
    assert municipal_calendar().is_working_day(DAY)
    ClosingDay.objects.create(date=DAY, name="Brugdag")
    assert DAY in norm_calendar().closing_days
    assert not norm_calendar().is_working_day(DAY)  # not the day it remembered before
    assert not municipal_calendar().is_working_day(DAY)


@pytest.mark.django_db
def test_the_municipalitys_calendars_are_kept_with_the_days_they_are_made_of():
    """The same calendar while its days are unchanged, so the days it has worked out are
    kept with it; the municipal one on the Atw calendar it is made of."""
    assert norm_calendar() is norm_calendar()
    assert municipal_calendar() is municipal_calendar()
    assert municipal_calendar().national is legal_calendar()
    assert norm_calendar() is not municipal_calendar()


def test_an_unsignalled_change_lasts_at_most_the_kept_seconds(monkeypatch):
    reads = iter(range(100))
    kept = Versioned("test:ttl", lambda: next(reads), seconds=60)
    clock = [1000.0]
    monkeypatch.setattr("backend.versioned_cache.time.monotonic", lambda: clock[0])
    assert kept.get() == 0
    clock[0] += 59
    assert kept.get() == 0
    clock[0] += 2
    assert kept.get() == 1

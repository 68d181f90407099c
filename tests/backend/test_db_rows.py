"""rows_insert (backend/db_rows.py) writes what bulk_create writes, in one statement."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.db_rows import rows_insert, rows_insert_together
from cases.models import CaseEvent, ComplaintDetails, EventKind
from tests.conftest import sent
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def _events(case, actor) -> list[CaseEvent]:
    return [
        CaseEvent(case=case, kind=EventKind.FILED, occurred_at=WHEN, actor=actor,
                  data={"channel": "phone", "nested": {"a": [1, "twee", None]}}),
        CaseEvent(case=case, kind=EventKind.NOTE, occurred_at=WHEN, actor=None,
                  text="Gebeld; 'quote' en \"dubbel\" en ; DROP TABLE"),
        CaseEvent(case=case, kind=EventKind.FILED),  # defaults: now, {} and ""
    ]  # fmt: skip


def _stored(rows: list[CaseEvent]) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(pk__in=[r.pk for r in rows])
        .order_by("pk")
        .values_list("case_id", "kind", "occurred_at", "actor_id", "data", "text")
    )


def test_rows_are_stored_as_bulk_create_stores_them_with_their_keys_in_order():
    case, actor = CaseFactory(), UserFactory()
    inserted, created = _events(case, actor), _events(case, actor)
    with CaptureQueriesContext(connection) as queries:
        rows_insert(inserted)
    assert len(sent(queries)) == 1
    CaseEvent.objects.bulk_create(created)
    assert all(row.pk is not None and not row._state.adding for row in inserted)
    assert [row.pk for row in inserted] == sorted(row.pk for row in inserted)
    assert [r.kind for r in CaseEvent.objects.filter(pk__in=[r.pk for r in inserted])
            .order_by("pk")] == [r.kind for r in inserted]  # fmt: skip
    mine, theirs = _stored(inserted), _stored(created)
    assert [row[:2] + row[3:] for row in mine] == [row[:2] + row[3:] for row in theirs]
    assert [row[2] for row in mine[:2]] == [WHEN, WHEN]


def test_no_rows_is_no_statement():
    with CaptureQueriesContext(connection) as queries:
        rows_insert([])
    assert len(queries) == 0


def test_groups_whose_keys_are_not_read_back_go_in_one_round_trip():
    """A one-to-one key (the details' case) is written, not left to the database."""
    case, actor = CaseFactory(kind="complaint"), UserFactory()
    ComplaintDetails.objects.filter(case=case).delete()
    details = ComplaintDetails(case=case, employee_description="De baliemedewerker")
    events = _events(case, actor)
    with CaptureQueriesContext(connection) as queries:
        rows_insert_together(events, [], [details])
    assert len(sent(queries)) == 1
    assert ComplaintDetails.objects.get(case=case).employee_description == "De baliemedewerker"
    stored = CaseEvent.objects.filter(case=case, text__startswith="Gebeld")
    assert stored.count() == 1
    assert not details._state.adding

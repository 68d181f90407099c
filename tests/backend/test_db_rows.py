"""rows_insert (backend/db_rows.py) writes what bulk_create writes, in one statement."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.db_rows import (
    _key_sequence,
    _statement,
    _values,
    keys_reserve,
    rows_insert,
    rows_insert_together,
)
from cases.models import Case, CaseEvent, Channel, ComplaintDetails, DeadlineChange, EventKind
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.conftest import sent
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def _events(case, actor) -> list[CaseEvent]:
    return [
        CaseEvent(case=case, kind=EventKind.FILED, occurred_at=WHEN, actor=actor,
                  data={"channel": "phone", "nested": {"a": [1, "twee", None]},
                        "text": "it's 100% %s \\ \"zo\" é €"}),
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


@pytest.mark.parametrize("prepared", [True, False], ids=["prepared", "as text"])
def test_rows_are_stored_as_bulk_create_stores_them_with_their_keys_in_order(prepared, settings):
    """Enum members and JSON go as their text, in a prepared statement's parameters and
    in an INSERT's own values alike: the column's type reads them as bulk_create's."""
    settings.DATABASE_PREPARED_STATEMENTS = prepared
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


def _new_details_and_events() -> tuple:
    """A complaint without its details row, and new details and timeline rows for it."""
    case, actor = CaseFactory(kind="complaint"), UserFactory()
    ComplaintDetails.objects.filter(case=case).delete()
    details = ComplaintDetails(case=case, employee_description="De baliemedewerker")
    return case, details, _events(case, actor)


def test_groups_whose_keys_are_not_read_back_go_in_one_round_trip():
    """A one-to-one key (the details' case) is written, not left to the database."""
    case, details, events = _new_details_and_events()
    with CaptureQueriesContext(connection) as queries:
        rows_insert_together(events, [], [details])
    assert len(sent(queries)) == 1
    assert ComplaintDetails.objects.get(case=case).employee_description == "De baliemedewerker"
    stored = CaseEvent.objects.filter(case=case, text__startswith="Gebeld")
    assert stored.count() == 1
    assert not details._state.adding


def test_the_keyed_group_gets_its_keys_back_in_the_same_round_trip():
    _case, details, events = _new_details_and_events()
    with CaptureQueriesContext(connection) as queries:
        rows_insert_together([details], keyed=events)
    assert len(sent(queries)) == 1
    keys = [row.pk for row in events]
    assert None not in keys
    assert keys == sorted(keys)
    stored = CaseEvent.objects.filter(pk__in=keys).order_by("pk")
    assert [(row.pk, row.kind, row.text) for row in stored] == [
        (row.pk, row.kind, row.text) for row in events
    ]
    assert not details._state.adding
    assert not any(row._state.adding for row in events)


def test_keys_taken_first_let_rows_that_refer_to_each_other_go_in_one_round_trip():
    """``keys_reserve`` takes each table's next keys in one round trip; a case, its
    timeline and its details then go in one more, and the sequences go on past them."""
    actor = UserFactory()
    case = CaseFactory.build(reference="KL-2026-990001", team=None, assignee=None)
    events = _events(case, actor)
    _key_sequence(Case), _key_sequence(CaseEvent)  # each looked up once per process
    with CaptureQueriesContext(connection) as queries:
        taken = keys_reserve([case], events, alongside=("%s::int + 1", [41]))
        details = ComplaintDetails(case=case, employee_description="De baliemedewerker")
        rows_insert_together([case], [details], keyed=events)
    assert taken == 42
    assert len(sent(queries)) == 2
    keys = [row.pk for row in events]
    assert None not in keys
    assert case.pk is not None
    assert (
        list(CaseEvent.objects.filter(case_id=case.pk).order_by("pk").values_list("pk", flat=True))
        == keys
    )
    assert (
        ComplaintDetails.objects.get(case_id=case.pk).employee_description == "De baliemedewerker"
    )
    later = CaseFactory()
    assert later.pk > case.pk


def test_a_related_row_assigned_before_it_had_its_key_is_referred_to_by_its_key():
    """As bulk_create: the key is taken from the related row when the row is written."""
    actor = UserFactory()
    case = CaseFactory.build(reference="KL-2026-990002", team=None, assignee=None)
    events = _events(case, actor)
    assert events[0].case_id is None
    rows_insert([case])
    rows_insert(events)
    assert CaseEvent.objects.filter(case_id=case.pk).count() == len(events)


def test_a_row_refers_to_no_row_that_was_never_written():
    case = CaseFactory.build(reference="KL-2026-990003", team=None, assignee=None)
    with pytest.raises(ValueError, match="unsaved related object"):
        rows_insert(_events(case, None))


def _django_values(rows, fields) -> list:
    return [f.get_db_prep_save(f.pre_save(row, True), connection) for row in rows for f in fields]


def _comparable(values: list) -> list[str]:
    """What the driver sends for each value: its SQL literal. Django's JSON adapter adds
    a cast to jsonb to the text; without it PostgreSQL casts the text to the column's
    type, so the text is what must be the same."""
    with connection.cursor() as cursor:
        return [cursor.mogrify("%s", [v]).decode().removesuffix("::jsonb") for v in values]


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/v1/complaints", complaint_body), ("/api/v1/objections", objection_body)],
)
def test_values_are_prepared_as_django_prepares_them(anon, path, body):
    """The shortcut for values PostgreSQL takes as they are gives what each field's own
    preparation gives, for every model a filing writes (strings, enum members, numbers,
    booleans, dates, aware moments, None, JSON, keys)."""
    reference = anon.post(path, body()).json()["reference"]
    case = Case.objects.get(reference=reference)
    written = [
        [case],
        list(case.parties.all()),
        list(case.deadlines.all()),
        list(DeadlineChange.objects.filter(deadline__case=case)),
        list(case.events.all()),
        [case.complaint if case.kind == "complaint" else case.objection],
    ]
    for rows in written:
        assert rows
        _sql, fields = _statement(type(rows[0]), len(rows), False)
        assert _comparable(_values(rows, fields)) == _comparable(_django_values(rows, fields))
    # Values of other types than the shortcut takes, on the same fields.
    case.received_at = datetime.datetime(2026, 3, 2, 9, 30)  # naive: made aware, warned
    case.channel = Channel.PHONE  # an enum member
    case.extensions = True  # a bool in a number field: int(True)
    _sql, fields = _statement(Case, 1, False)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        expected = _django_values([case], fields)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        assert _comparable(_values([case], fields)) == _comparable(expected)

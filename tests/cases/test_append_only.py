"""The timeline, the terms' history and the letters refuse UPDATE and DELETE in the
database itself (issue 17.2): through the ORM, past it with a bulk update, and in raw
SQL. Erasure at the end of retention may delete, never change."""

import pytest
from django.db import DatabaseError, connection, transaction

from backend.accounts.roles import Role
from backend.append_only import erasure_allow
from cases.models import Case, CaseEvent, DeadlineChange, EventKind
from letters import services
from letters.models import Letter
from tests.cases.test_filing_api import complaint_body
from tests.conftest import roles_create
from tests.factories import CaseFactory
from tests.letters.test_receipt_letters import filed_and_confirmed

pytestmark = pytest.mark.django_db

TABLES = {
    "cases_caseevent": CaseEvent,
    "cases_deadlinechange": DeadlineChange,
    "letters_letter": Letter,
}


@pytest.fixture
def case(anon, users, team):
    case = filed_and_confirmed(
        anon, "/api/v1/complaints", complaint_body(), users[Role.CASE_HANDLER], team
    )
    services.letters_render_pending()
    for model in TABLES.values():
        assert model.objects.exists(), model
    return case


def refused(statement, *params) -> str:
    """Run ``statement`` in a savepoint; the database's refusal, or '' if it was done."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError as error:
        return str(error)
    return ""


@pytest.mark.parametrize("table", sorted(TABLES))
def test_raw_sql_cannot_change_or_delete_history(case, table):
    column = {"cases_caseevent": "text", "cases_deadlinechange": "reason"}.get(table, "kind")
    update = f"UPDATE {table} SET {column} = 'x'"  # noqa: S608 - our own table names
    assert "append-only: UPDATE on " + table in refused(update)
    assert "append-only: DELETE on " + table in refused(f"DELETE FROM {table}")  # noqa: S608


@pytest.mark.parametrize("model", list(TABLES.values()), ids=list(TABLES))
def test_the_orm_cannot_either_even_in_bulk(case, model):
    field = {CaseEvent: "text", DeadlineChange: "reason"}.get(model, "kind")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.update(**{field: "x"})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.all()._raw_delete(model.objects.db)


def test_a_case_cannot_be_deleted_with_its_history(db):
    """Django deletes a case's timeline row by row first: the database refuses."""
    case = CaseFactory()
    CaseEvent.objects.create(case=case, kind=EventKind.NOTE, text="Gebeld.")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()
    assert CaseEvent.objects.filter(case=case).exists()


def test_erasure_may_delete_but_never_change(db):
    """What the retention run does: inside its transaction, history may go, never
    change."""
    case = CaseFactory()
    CaseEvent.objects.create(case=case, kind=EventKind.NOTE, text="Gebeld.")
    with transaction.atomic():
        erasure_allow()
        assert "append-only: UPDATE" in refused("UPDATE cases_caseevent SET text = 'x'")
        Case.objects.filter(pk=case.pk).delete()
    assert not CaseEvent.objects.filter(case_id=case.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_permission_to_erase_ends_with_its_transaction():
    roles_create()
    case = CaseFactory()
    with transaction.atomic():
        erasure_allow()
    CaseEvent.objects.create(case=case, kind=EventKind.NOTE, text="Gebeld.")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=case)._raw_delete(CaseEvent.objects.db)
    with pytest.raises(RuntimeError):
        erasure_allow()  # outside a transaction it would be a promise nobody keeps
    with transaction.atomic():
        erasure_allow()
        Case.objects.filter(pk=case.pk).delete()  # leave nothing the flush must delete


def test_adding_history_is_still_allowed(case):
    CaseEvent.objects.create(case=case, kind=EventKind.NOTE, text="Gebeld.")
    assert case.events.filter(text="Gebeld.").exists()

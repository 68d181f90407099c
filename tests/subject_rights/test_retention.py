"""Retention (issue 17.6): closed cases past their period are erased - parties, contact
details, free texts, attachments, letters, tracking links, the processing log about
them - with a dry run, a legal hold that stops it, one record of what was done, and the
figures unchanged."""

import base64
import datetime

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models

from backend.accounts.roles import Role
from backend.outbox.tasks import outbox_relay
from backend.processing_log.models import ProcessingRecord
from cases.consumers import RECEIPTS
from cases.figures import ReportFilters, figures_report
from cases.models import Case, CaseFigures, RetentionRule
from letters.models import Letter
from letters.services import LETTERS_CONSUMER
from subject_rights.retention import retention_due, retention_run
from tests.cases.steps import ok
from tests.cases.test_complaint_workflow import call, morning
from tests.cases.test_filing_api import PDF, complaint_body
from tests.factories import UserFactory
from tests.outbox import relay_all

pytestmark = pytest.mark.django_db

NAME = "Geertruida Vlasblom"
EMAIL = "g.vlasblom@voorbeeld.nl"
SOLUTION = "Mevrouw Vlasblom krijgt de container morgen geleegd."


@pytest.fixture
def closed(client_for, users, anon, team):
    """A complaint with known personal data, resolved by phone and closed, its letters made."""
    body = complaint_body(
        attachments=[{"filename": "foto.pdf", "content": base64.b64encode(PDF).decode()}]
    )
    body["parties"][0].update(name=NAME, email=EMAIL, bsn="111222333")
    reference = anon.post("/api/v1/complaints", body, format="json").json()["reference"]
    Case.objects.filter(reference=reference).update(team=team)
    case = Case.objects.get(reference=reference)
    hc = client_for(users[Role.CASE_HANDLER])
    relay_all(RECEIPTS.name)
    call(hc, case, "reached", morning())
    ok(hc, case, "resolve_informally", solution=SOLUTION, confirmedVia="phone",
       confirmedAt=morning().isoformat())  # fmt: skip
    outbox_relay.apply(kwargs={"consumer": LETTERS_CONSUMER})
    assert Letter.objects.filter(case=case).count() >= 2
    hc.get(f"/api/v1/cases/{reference}")  # a read in the processing log
    return Case.objects.get(pk=case.pk)


def years_later(time_machine, years: int) -> None:
    time_machine.move_to(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=365 * years + 2)
    )


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def holding(value: str) -> list[str]:
    """Every text or JSON column of every table that still holds ``value``."""
    return [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS)
        and model._default_manager.filter(**{f"{field.attname}__icontains": value}).exists()
    ]


def test_the_default_rules_name_their_source(db):
    rules = {rule.kind: rule for rule in RetentionRule.objects.filter(status="")}
    assert (rules["complaint"].years, rules["objection"].years) == (5, 10)
    assert "Selectielijst" in rules["complaint"].source


def test_nothing_is_due_before_the_period_ends(closed, time_machine):
    years_later(time_machine, 4)
    assert list(retention_due()) == []


def test_a_dry_run_lists_and_erases_nothing(closed, time_machine):
    years_later(time_machine, 6)
    run = retention_run(dry_run=True)
    assert [due.reference for due in run.due] == [closed.reference]
    assert run.erased == 0
    assert Case.objects.filter(pk=closed.pk).exists()


def test_retention_erases_everything_and_keeps_the_figures(
    closed, time_machine, django_capture_on_commit_callbacks
):
    assert holding(NAME)
    assert holding(EMAIL)
    assert holding(SOLUTION)
    files = [letter.file.name for letter in Letter.objects.filter(case=closed)]
    files += [attachment.file.name for attachment in closed.attachments.all()]
    assert all(default_storage.exists(name) for name in files)
    year = ReportFilters(start=datetime.date(2000, 1, 1), end=datetime.date(2999, 12, 31))
    before = figures_report(year)
    assert before[0]["cases"] == 1
    reference = closed.reference

    years_later(time_machine, 6)
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_run()

    assert run.erased == 1
    assert not Case.objects.filter(reference=reference).exists()
    assert not Letter.objects.filter(case_id=closed.pk).exists()
    assert not any(default_storage.exists(name) for name in files)
    assert holding(NAME) == []
    assert holding(EMAIL) == []
    assert holding(SOLUTION) == []
    # The processing log about the case: only the erasure itself is left.
    left = ProcessingRecord.objects.filter(
        attributes__contains={"casehandling.case_reference": reference}
    )
    assert [record.activity_id for record in left] == ["retention"]
    # The anonymous figures stay, and so do the report's numbers.
    assert CaseFigures.objects.filter(case_id=closed.pk).exists()
    assert figures_report(year) == before


def test_a_legal_hold_keeps_the_case_until_it_is_lifted(closed, users, client_for, time_machine):
    lawyer = client_for(users[Role.LEGAL_STAFF])
    path = f"/api/v1/cases/{closed.reference}/legal-hold"
    held = lawyer.put(path, {"hold": True, "reason": "Beroep bij de rechtbank"}, format="json")
    assert held.status_code == 200, held.content
    years_later(time_machine, 6)
    assert retention_run().erased == 0
    assert Case.objects.filter(pk=closed.pk).exists()

    assert lawyer.put(path, {"hold": False}, format="json").json() == {"hold": False, "reason": ""}
    assert retention_run().erased == 1


def test_a_hold_needs_a_reason(closed, users, client_for):
    response = client_for(users[Role.TEAM_LEAD]).put(
        f"/api/v1/cases/{closed.reference}/legal-hold", {"hold": True}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "reason"


@pytest.mark.parametrize(
    "role", [Role.RESIDENT, Role.CASE_HANDLER, Role.INTEGRATION_CLIENT, Role.ADMINISTRATOR]
)
def test_no_other_role_sets_a_hold(closed, users, client_for, role):
    response = client_for(users[role]).put(
        f"/api/v1/cases/{closed.reference}/legal-hold", {"hold": True, "reason": "x"}, format="json"
    )
    assert response.status_code in (403, 404)
    assert not Case.objects.get(pk=closed.pk).legal_hold


def test_a_superuser_sets_no_hold(closed, client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    response = client_for(root).put(
        f"/api/v1/cases/{closed.reference}/legal-hold", {"hold": True, "reason": "x"}, format="json"
    )
    assert response.status_code == 403


def test_the_command_has_a_dry_run(closed, time_machine, capsys):
    years_later(time_machine, 6)
    call_command("retention_run", "--dry-run")
    out = capsys.readouterr().out
    assert closed.reference in out
    assert "1 case(s) would be erased." in out
    assert Case.objects.filter(pk=closed.pk).exists()

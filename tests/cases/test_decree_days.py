"""Decree days are sourced data (Atw art. 3(3)): each carries its Staatscourant
publication, and legal staff are warned when a term runs into a year without a decree."""

import datetime
import importlib
import logging

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from backend.accounts.roles import Role
from cases.deadlines import deadline_compute, years_without_decree
from cases.models import Deadline, DeadlineKind, DecreeDay
from tests.cases.legal_flows import at, objection_filed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date.fromisoformat
seeded = importlib.import_module("cases.migrations.0006_decree_days")
sourced = importlib.import_module("cases.migrations.0023_decree_day_sources")


def test_every_seeded_decree_day_names_its_publication():
    DecreeDay.objects.all().delete()
    seeded.seed(apps, None)
    sourced.source(apps, None)
    sources = dict(DecreeDay.objects.values_list("date", "source"))
    assert len(sources) == len(seeded.DAYS)
    for day, _name in seeded.DAYS:
        expected = "Stcrt. 2022, 7812" if day.year <= 2025 else "Stcrt. 2025, 24713"
        assert sources[day].endswith(expected), day


def test_a_day_staff_entered_with_its_own_source_keeps_it():
    DecreeDay.objects.all().delete()
    DecreeDay.objects.create(date=D("2025-05-30"), name="Vrijdag", source="Stcrt. 2022, 7812 (nr)")
    sourced.source(apps, None)
    assert DecreeDay.objects.get().source == "Stcrt. 2022, 7812 (nr)"


@pytest.mark.parametrize(
    ("source", "valid"),
    [
        ("Stcrt. 2025, 24713", True),
        ("Staatscourant 2022, 7812", True),
        ("Staatscourant", False),
        ("Koninklijk besluit", False),
    ],
)
def test_the_source_is_a_staatscourant_publication(source, valid):
    day = DecreeDay(date=D("2029-05-11"), name="Vrijdag na Hemelvaartsdag", source=source)
    if valid:
        day.full_clean()
    else:
        with pytest.raises(ValidationError):
            day.full_clean()


def test_years_without_a_decree():
    DecreeDay.objects.filter(date__year__gte=2029).delete()
    DecreeDay.objects.get_or_create(
        date=D("2028-05-26"), defaults={"name": "Vrijdag", "source": "Stcrt. 2025, 24713"}
    )
    assert years_without_decree(D("2028-11-01"), D("2029-02-01")) == [2029]
    assert years_without_decree(D("2028-01-01"), D("2028-12-31")) == []


def test_a_term_into_a_year_without_a_decree_is_logged_and_explained(caplog):
    DecreeDay.objects.filter(date__year__gte=2029).delete()
    with caplog.at_level(logging.WARNING, logger="cases.deadlines"):
        computed = deadline_compute(
            term="objection-decision", start_date=D("2028-12-01"), params={}
        )
    assert computed.due_date.year == 2029
    assert any("decree_days_missing" in r.getMessage() and "2029" in r.getMessage()
               for r in caplog.records)  # fmt: skip
    assert any(step.rule == "atw-3(3)" and "2029" in step.text for step in computed.steps)


def test_the_admin_warns_legal_staff_of_a_year_a_running_term_reaches(
    client, client_for, users, team, time_machine
):
    time_machine.move_to(at("2025-04-01"))
    DecreeDay.objects.filter(date__year__gte=2029).delete()
    case = objection_filed(client_for(users[Role.RESIDENT]), team, decision_date="2025-03-24")
    admin = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/admin/cases/decreeday/")
    assert page.status_code == 200
    assert "2029" not in page.content.decode()
    Deadline.objects.filter(case=case, kind=DeadlineKind.OBJECTION_DECISION).update(
        due_date=D("2029-01-15")
    )
    warned = client.get("/admin/cases/decreeday/").content.decode()
    assert "2029" in warned
    assert "Staatscourant" in warned

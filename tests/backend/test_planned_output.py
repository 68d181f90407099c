"""Planned serializer output (backend/api/output.py) is DRF's own walk, only faster: the
same JSON for every caller on every page a case shows up on, and no plan where a field
could read more than its value."""

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from rest_framework import serializers

from backend.accounts.roles import Role
from backend.api.output import PlannedOutput, _made, declared_walk, planned_data
from cases import selectors, services
from cases.api import access
from cases.api import serializers as case_serializers
from cases.models import Case, CaseKind, ContactOutcome

pytestmark = pytest.mark.django_db

CALLERS = [
    "anonymous",
    "filer",
    "resident",
    "superuser",
    "case_handler",
    "legal_staff",
    "team_lead",
    "integration_client",
    "administrator",
]


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_output_serializer_of_the_service_has_a_plan():
    """A field no plan covers would silently bring back DRF's walk for its class."""
    concrete = [
        cls
        for cls in _subclasses(PlannedOutput)
        if not cls.__name__.startswith("_") and cls.__module__.split(".")[0] != "tests"
    ]
    assert case_serializers.CaseDetailSerializer in concrete
    assert len(concrete) >= 14
    assert [cls.__name__ for cls in concrete if cls.plan() is None] == []


def test_a_field_that_may_read_context_is_not_planned():
    class Shouted(serializers.CharField):
        def to_representation(self, value):
            return value.upper() if self.context.get("shout") else value

    class Loud(PlannedOutput, serializers.Serializer):
        subject = Shouted()

    class Quiet(PlannedOutput, serializers.Serializer):
        subject = serializers.CharField()

    assert Loud.plan() is None
    assert Loud({"subject": "afval"}, context={"shout": True}).data == {"subject": "AFVAL"}
    assert Quiet.plan() is not None
    assert Quiet({"subject": "afval"}).data == {"subject": "afval"}


@pytest.mark.parametrize("caller", CALLERS)
def test_every_page_of_a_case_is_the_same_planned_or_walked(world, users, caller):
    """Both kinds with parties, terms and their history, a step taken, a contact moment,
    an attachment and a letter: each page the same JSON either way."""
    callers, places = world
    complaint = Case.objects.get(reference=places["complaint"])
    assert complaint.kind == CaseKind.COMPLAINT
    services.contact_moment_log(
        case=complaint,
        by=users[Role.CASE_HANDLER],
        occurred_at=timezone.now(),
        outcome=ContactOutcome.REACHED,
        note="Gesproken over de container",
    )
    client = callers[caller]
    paths = [
        f"/api/v1/cases/{places['complaint']}",
        f"/api/v1/cases/{places['objection']}",
        f"/api/v1/cases/{places['complaint']}/events",
        "/api/v1/cases?pageSize=50",
        "/api/v1/cases?open=false",
    ]
    compared = 0
    for path in paths:
        planned = client.get(path)
        with declared_walk():
            walked = client.get(path)
        assert planned.status_code == walked.status_code, path
        assert planned.json() == walked.json(), path
        compared += planned.status_code == 200
    if caller in ("case_handler", "legal_staff", "team_lead", "filer"):
        assert compared >= 3


def test_an_attribute_that_raises_is_answered_as_drf_answers_it():
    """A property raising ObjectDoesNotExist (a related row gone) or KeyError is null or
    left out as DRF's own reading makes it, not an error."""

    class Row:
        @property
        def gone(self):
            raise ObjectDoesNotExist("no such row")

        @property
        def missing(self):
            raise KeyError("missing")

        name = "afval"

    class Planned(PlannedOutput, serializers.Serializer):
        gone = serializers.CharField(allow_null=True)
        missing = serializers.CharField(required=False)
        name = serializers.CharField()

    assert Planned.plan() is not None
    planned = Planned(Row()).data
    with declared_walk():
        walked = Planned(Row()).data
    assert planned == walked == {"gone": None, "name": "afval"}


def test_a_nested_serializer_is_made_as_drf_makes_it_with_the_callers_context():
    """``_made`` copies a serializer made once per class: the copy holds what DRF's
    ``__init__`` sets, and its own context, not the one of an earlier answer."""
    first, second = {"personal_data": True}, {"personal_data": False}
    made = _made(case_serializers.CaseEventSerializer, first)
    again = _made(case_serializers.CaseEventSerializer, second)
    drf = case_serializers.CaseEventSerializer(context=first)
    assert made.context is first
    assert again.context is second
    assert made is not again
    counter = "_creation_counter"
    assert {k: v for k, v in vars(made).items() if k != counter} == {
        k: v for k, v in vars(drf).items() if k != counter
    }


def test_prefetched_rows_are_represented_without_a_related_manager(world, users, monkeypatch):
    """A reverse relation that ``prefetch_related`` left on the instance (the case page's
    read) is read from its cache: the same rows as the manager's ``all()``, without DRF's
    reading of the attribute - a related manager made and inspected as a callable (here
    such a read fails the test)."""
    _callers, places = world
    handler = users[Role.CASE_HANDLER]
    case = selectors.case_detail(user=handler, reference=places["complaint"])
    context = access.detail_context(handler, case, None)
    with declared_walk():
        walked = planned_data(case_serializers.CaseDetailSerializer, case, context)
    assert walked["parties"]
    assert walked["deadlines"][0]["history"]

    def read_by_drf(*_args: object) -> None:
        raise AssertionError("the rows were read through DRF's get_attribute")

    monkeypatch.setattr(serializers.ListSerializer, "get_attribute", read_by_drf)
    assert planned_data(case_serializers.CaseDetailSerializer, case, context) == walked

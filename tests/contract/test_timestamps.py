"""Every timestamp the API gives is RFC 3339 with the offset of Europe/Amsterdam at that
moment (``2026-11-29T10:15:00+01:00``): the same convention in case fields, deadline
history, the timeline and the data of each timeline entry - never ``Z``, never naive."""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from cases.models import Case
from tests.cases.steps import ok
from tests.cases.test_filing_api import complaint_body

pytestmark = pytest.mark.django_db

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RFC3339_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def strings(data, path=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, f"{path}.{index}")
    elif isinstance(data, str):
        yield path, data


def test_every_timestamp_is_rfc3339_with_the_local_offset(client_for, users, team):
    handler_user = users[Role.CASE_HANDLER]
    handler = client_for(handler_user)
    reference = (
        client_for(users[Role.RESIDENT])
        .post("/api/v1/complaints", complaint_body(), format="json")
        .json()["reference"]
    )
    case = Case.objects.get(reference=reference)
    Case.objects.filter(pk=case.pk).update(team=team, assignee=handler_user)
    ok(handler, case, "confirm_receipt")
    handler.post(
        f"/api/v1/cases/{reference}/contact-moments",
        {"outcome": "reached", "occurredAt": "2026-01-05T08:30:00Z"},
        format="json",
    )
    ok(
        handler,
        case,
        "resolve_informally",
        solution="Opgelost",
        confirmedVia="phone",
        confirmedAt=(timezone.now() - datetime.timedelta(hours=1)).isoformat(),
    )

    bodies = [
        handler.get(f"/api/v1/cases/{reference}").json(),
        handler.get(f"/api/v1/cases/{reference}/events").json(),
        handler.get("/api/v1/cases?open=false").json(),
    ]
    found = [(path, value) for body in bodies for path, value in strings(body)]
    stamps = [(path, value) for path, value in found if TIMESTAMP.match(value)]

    assert len(stamps) > 10
    for path, value in stamps:
        assert RFC3339_WITH_OFFSET.match(value), (path, value)
        moment = datetime.datetime.fromisoformat(value)
        assert moment.utcoffset() == moment.astimezone(AMSTERDAM).utcoffset(), (path, value)
    assert any(".data." in path for path, _ in stamps), "timeline data carries timestamps too"

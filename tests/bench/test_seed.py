"""The bench seeder writes what the service would: read back through the service's own
rules (due dates, queue position, search document, workflow states, the sweep) and its
API (queue pages, case pages), the seeded cases hold together.

500 cases over half a year (so that many are still open) into the test database, once
for the module, rolled back at its end.
"""

import collections
import datetime

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import User
from bench.seed import seed_cases
from cases import services
from cases.deadlines import cases_due_refresh, deadline_compute
from cases.models import (
    Case,
    CaseEvent,
    ComplaintDetails,
    ContactMoment,
    Deadline,
    DeadlineChange,
    DeadlineNotification,
    ObjectionDetails,
    Party,
    Satisfaction,
)
from cases.sweep import deadlines_sweep
from cases.workflows.registry import WORKFLOWS

COUNT = 500
SEEDED = [
    Case,
    Party,
    ComplaintDetails,
    ObjectionDetails,
    Deadline,
    DeadlineChange,
    DeadlineNotification,
    CaseEvent,
    ContactMoment,
    Satisfaction,
]

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        seconds = seed_cases(COUNT, seed=7, years=0.5)
        yield seconds
        transaction.set_rollback(True)


def staff_client(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def test_every_case_comes_with_what_a_filing_writes(seeded):
    assert seeded > 0
    cases = list(Case.objects.all())
    assert len(cases) == COUNT
    filers = collections.Counter(
        Party.objects.filter(role="filer").values_list("case_id", flat=True)
    )
    assert all(filers[case.pk] == 1 for case in cases)
    complaints = set(ComplaintDetails.objects.values_list("case_id", flat=True))
    objections = set(ObjectionDetails.objects.values_list("case_id", flat=True))
    for case in cases:
        assert case.pk in (complaints if case.kind == "complaint" else objections), case
    kinds = collections.defaultdict(set)
    for case_id, kind in Deadline.objects.values_list("case_id", "kind"):
        kinds[case_id].add(kind)
    legal = {"complaint": "complaint_handling", "objection": "objection_decision"}
    for case in cases:
        assert kinds[case.pk] == {"receipt_confirmation", "first_contact", legal[case.kind]}
    filed = collections.Counter(
        CaseEvent.objects.filter(kind="filed").values_list("case_id", flat=True)
    )
    assert all(filed[case.pk] == 1 for case in cases)
    # Nothing happens before the filing, nor before the case came in, nor after now.
    first = {}
    for case_id, kind in CaseEvent.objects.order_by("occurred_at", "id").values_list(
        "case_id", "kind"
    ):
        first.setdefault(case_id, kind)
    assert set(first.values()) == {"filed"}
    now = timezone.now()
    for case in cases:
        assert case.received_at <= case.registered_at <= now
        assert case.assigned_at is None or case.registered_at < case.assigned_at <= now
        assert case.closed_at is None or case.registered_at < case.closed_at <= now
    assert not CaseEvent.objects.filter(occurred_at__gt=now).exists()
    assert not ContactMoment.objects.filter(occurred_at__gt=now).exists()
    # Each term's history starts with its start.
    started = set(
        DeadlineChange.objects.filter(kind="started").values_list("deadline_id", flat=True)
    )
    assert started == set(Deadline.objects.values_list("pk", flat=True))


def test_no_row_points_at_nothing(seeded):
    """Foreign keys are not checked row by row while seeding (they are right by
    construction): every one is checked here."""
    with connection.cursor() as cursor:
        for model in SEEDED:
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                target = field.related_model._meta
                table, column = model._meta.db_table, field.column
                parent, key = target.db_table, target.pk.column
                orphans = (  # names from the models, no input
                    f'SELECT count(*) FROM "{table}" t LEFT JOIN "{parent}" p '  # noqa: S608
                    f'ON p."{key}" = t."{column}" '
                    f'WHERE t."{column}" IS NOT NULL AND p."{key}" IS NULL'
                )
                cursor.execute(orphans)
                assert cursor.fetchone()[0] == 0, f"{model._meta.db_table}.{field.column}"


def test_states_are_reached_by_the_workflow_steps(seeded):
    """Each state is a state of its kind's workflow, reached by a chain of steps from
    ``received``; a case is closed exactly when its state is final."""
    chains = collections.defaultdict(list)
    for case_id, data in (
        CaseEvent.objects.filter(kind="transition")
        .order_by("occurred_at", "id")
        .values_list("case_id", "data")
    ):
        chains[case_id].append((data["status"]["before"], data["status"]["after"]))
    for case in Case.objects.all():
        workflow = WORKFLOWS[case.kind]
        assert case.status in workflow.states.values, case.status
        assert (case.closed_at is not None) == (case.status in workflow.final_states), case
        state = "received"
        for before, after in chains[case.pk]:
            assert before == state, (case.reference, chains[case.pk])
            state = after
        assert state == case.status, (case.reference, chains[case.pk])


def test_terms_are_what_the_service_computes(seeded):
    """Due dates from the term functions, queue position and search document as the
    filing and the deadline services write them."""
    for deadline in Deadline.objects.all():
        computed = deadline_compute(
            term=deadline.term, start_date=deadline.start_date, params=deadline.params
        )
        assert (deadline.due_date, deadline.legal_basis) == (
            computed.due_date,
            computed.legal_basis,
        ), deadline
    before = dict(Case.objects.values_list("pk", "queue_due_date"))
    cases_due_refresh(before)
    assert dict(Case.objects.values_list("pk", "queue_due_date")) == before
    parties = Prefetch("parties", queryset=Party.objects.order_by("id"))  # as filed
    for case in Case.objects.prefetch_related(parties):
        assert case.search_document == services._search_document(case, case.parties.all())
    # A closed case has no open term; suspended terms only while a repair is asked for.
    assert not Deadline.objects.filter(
        case__closed_at__isnull=False, state__in=["running", "suspended"]
    ).exists()
    for case in Case.objects.filter(deadlines__state="suspended"):
        assert case.status == "repair_requested"


def test_the_sweep_has_already_run(seeded):
    """Terms past their due date are marked missed and those within the warning horizons
    warned, as the sweep every 15 minutes leaves them: a sweep now finds only what the
    next run would have found - terms of cases registered in the last quarter of an
    hour, and in the first quarter after midnight what fell due then."""
    now = timezone.now()
    quarter = datetime.timedelta(seconds=settings.DEADLINE_SWEEP_SECONDS)
    after_midnight = timezone.localtime(now).time() < datetime.time(0, 15)
    before = set(DeadlineNotification.objects.values_list("pk", flat=True))
    deadlines_sweep()
    for notification in DeadlineNotification.objects.exclude(pk__in=before).select_related(
        "deadline"
    ):
        assert after_midnight or notification.deadline.created_at > now - quarter, notification
    assert Deadline.objects.filter(state="missed").exists()
    assert DeadlineNotification.objects.filter(stage="warning").exists()


def test_the_spread_is_realistic(seeded):
    cases = Case.objects.all()

    def shares(field: str) -> dict:
        counts = collections.Counter(cases.values_list(field, flat=True))
        return {value: n / COUNT for value, n in counts.items()}

    kinds = shares("kind")
    assert 0.5 < kinds["complaint"] < 0.7
    assert 0.3 < kinds["objection"] < 0.5
    channels = shares("channel")
    assert set(channels) == {"web", "phone", "counter", "post", "email", "integration"}
    assert max(channels.values()) < 0.5
    statuses = collections.Counter(cases.values_list("kind", "status"))
    assert len(statuses) >= 12, statuses
    open_cases = cases.filter(closed_at__isnull=True)
    assert 0.05 < open_cases.count() / COUNT < 0.5
    assert open_cases.filter(assignee__isnull=True).exists()
    assert open_cases.filter(assignee__isnull=False).exists()
    assert len(shares("team")) >= 5
    assert Party.objects.filter(role="representative").exists()
    assert Party.objects.filter(role="interested_party").exists()
    assert ContactMoment.objects.exists()
    assert Satisfaction.objects.exists()
    received = list(cases.order_by("id").values_list("registered_at", flat=True))
    assert received == sorted(received)  # ids in the order of registration
    assert max(received) <= timezone.now()


def test_the_queue_api_shows_a_handler_their_work(seeded):
    handler = staff_client("bench-handler-0")
    page = handler.get("/api/v1/cases?pageSize=50")
    assert page.status_code == 200, page.content
    rows = page.json()["results"]
    assert rows
    dues = [row["nextDueDate"] or "9999-12-31" for row in rows]
    assert dues == sorted(dues)
    mine = handler.get("/api/v1/cases?assignee=me")
    assert mine.status_code == 200
    assert mine.json()["results"]
    lead = staff_client("bench-lead-2")
    for query in ("open=false", "kind=objection&channel=post", "q=bezwaar"):
        response = lead.get(f"/api/v1/cases?{query}")
        assert response.status_code == 200, (query, response.content)
        assert response.json()["results"], query
    # Which team has an open case nobody has claimed depends on the hour the seed runs
    # (it plays the office days up to now): the lead of such a team.
    waiting = Case.objects.filter(closed_at__isnull=True, assignee__isnull=True)
    team = waiting.exclude(team__isnull=True).values_list("team", flat=True).first()
    assert team is not None
    lead_of_team = User.objects.get(username__startswith="bench-lead-", teams=team)
    response = staff_client(lead_of_team.username).get("/api/v1/cases?assignee=unassigned")
    assert response.status_code == 200, response.content
    assert response.json()["results"]


def test_case_pages_answer_with_parties_terms_and_timeline(seeded):
    """One case of every kind and state, on its page as its team's lead sees it."""
    sample = {}
    for case in Case.objects.select_related("team").order_by("id"):
        sample.setdefault((case.kind, case.status), case)
    for case in sample.values():
        lead = f"bench-lead-{case.team.code.split('-')[1]}" if case.team else "bench-lead-0"
        response = staff_client(lead).get(f"/api/v1/cases/{case.reference}")
        assert response.status_code == 200, (case.reference, response.content)
        body = response.json()
        assert body["status"] == case.status
        assert body["parties"]
        assert len(body["deadlines"]) == 3
        assert body["timeline"][0]["kind"] == "filed" or len(body["timeline"]) == 50
        assert isinstance(body["availableTransitions"], list)
        assert (body[case.kind] or {}) != {}


def test_a_filing_after_seeding_takes_the_next_reference(seeded):
    handler = User.objects.get(username="bench-handler-0")
    case = services.case_file(
        filing=services.Filing(
            kind="complaint",
            subject="Nieuwe klacht",
            description="Na het zaaien ingediend.",
            channel="web",
            parties=[
                {
                    "role": "filer",
                    "party_type": "person",
                    "name": "A. Nieuw",
                    "phone": "+31612345678",
                }
            ],
        ),
        by=handler,
    )
    year = timezone.localtime(case.registered_at).year
    seeded_numbers = [
        int(reference.rsplit("-", 1)[1])
        for reference in Case.objects.exclude(pk=case.pk)
        .filter(reference__startswith=f"KL-{year}-")
        .values_list("reference", flat=True)
    ]
    assert seeded_numbers
    assert int(case.reference.rsplit("-", 1)[1]) == max(seeded_numbers) + 1
    assert case.pk == Case.objects.exclude(pk=case.pk).order_by("-pk").first().pk + 1

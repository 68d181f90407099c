"""The work queue: GET /api/v1/cases — visibility per role, filters, order, pages, queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.roles import Role
from backend.api.camel import Camel, camelize
from backend.keyset import Window
from backend.prepared import statement_name
from backend.processing_log import recorder
from cases import selectors
from cases.models import Case
from cases.selectors import QueueFilters, case_queue, reference_typed
from tests.factories import CaseFactory, PartyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def refs(response):
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


@pytest.fixture
def spread(team, other_team, users):
    """Cases across teams, kinds, assignees and filers."""
    today = timezone.localdate()
    mine = CaseFactory(team=team, queue_due_date=today + datetime.timedelta(days=1))
    ours_objection = CaseFactory(objection=True, team=team, queue_due_date=today)
    theirs = CaseFactory(team=other_team, queue_due_date=today + datetime.timedelta(days=2))
    their_objection = CaseFactory(objection=True, team=other_team)
    intake = CaseFactory(team=None)
    filed_by_resident = CaseFactory(team=other_team, registered_by=users[Role.RESIDENT])
    filed_by_client = CaseFactory(team=other_team, registered_by=users[Role.INTEGRATION_CLIENT])
    for case in (mine, ours_objection, theirs, their_objection, intake):
        PartyFactory(case=case)
    return {
        "mine": mine,
        "ours_objection": ours_objection,
        "theirs": theirs,
        "their_objection": their_objection,
        "intake": intake,
        "resident": filed_by_resident,
        "client": filed_by_client,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.CASE_HANDLER, {"mine", "ours_objection", "intake"}),
        (Role.TEAM_LEAD, {"mine", "ours_objection", "intake"}),
        (Role.LEGAL_STAFF, {"mine", "ours_objection", "intake", "their_objection"}),
        (
            Role.ADMINISTRATOR,
            {"mine", "ours_objection", "theirs", "their_objection", "intake", "resident", "client"},
        ),
        (Role.RESIDENT, {"resident"}),
        (Role.INTEGRATION_CLIENT, {"client"}),
    ],
)
def test_each_role_sees_only_its_cases(client_for, users, spread, role, expected):
    seen = set(refs(client_for(users[role]).get("/api/v1/cases")))
    assert seen == {spread[name].reference for name in expected}


def test_anonymous_gets_401_problem(anon):
    response = anon.get("/api/v1/cases")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_queue_sorts_by_due_date_then_received(client_for, users, team):
    today = timezone.localdate()
    now = timezone.now()
    late_received = CaseFactory(team=team, queue_due_date=today, received_at=now)
    early_received = CaseFactory(
        team=team, queue_due_date=today, received_at=now - datetime.timedelta(hours=1)
    )
    soonest = CaseFactory(team=team, queue_due_date=today - datetime.timedelta(days=1))
    undated = CaseFactory(team=team)

    assert refs(client_for(users[Role.CASE_HANDLER]).get("/api/v1/cases")) == [
        soonest.reference,
        early_received.reference,
        late_received.reference,
        undated.reference,
    ]


def test_undated_case_shows_null_due_date(client_for, users, team):
    CaseFactory(team=team)
    row = client_for(users[Role.CASE_HANDLER]).get("/api/v1/cases").json()["results"][0]
    assert row["nextDueDate"] is None
    assert row["overdue"] is False


class TestFilters:
    def test_kind(self, client_for, users, spread):
        got = refs(client_for(users[Role.ADMINISTRATOR]).get("/api/v1/cases?kind=objection"))
        assert set(got) == {spread["ours_objection"].reference, spread["their_objection"].reference}

    def test_team(self, client_for, users, spread, other_team):
        got = refs(
            client_for(users[Role.ADMINISTRATOR]).get(f"/api/v1/cases?team={other_team.code}")
        )
        assert spread["theirs"].reference in got
        assert spread["mine"].reference not in got

    def test_assignee_me_and_unassigned(self, client_for, users, spread):
        handler = users[Role.CASE_HANDLER]
        spread["mine"].assignee = handler
        spread["mine"].save(update_fields=["assignee"])
        client = client_for(handler)
        assert refs(client.get("/api/v1/cases?assignee=me")) == [spread["mine"].reference]
        assert spread["mine"].reference not in refs(client.get("/api/v1/cases?assignee=unassigned"))
        assert refs(client.get(f"/api/v1/cases?assignee={handler.username}")) == [
            spread["mine"].reference
        ]

    def test_channel_and_status(self, client_for, users, team):
        phone = CaseFactory(team=team, channel="phone")
        CaseFactory(team=team, channel="web")
        client = client_for(users[Role.CASE_HANDLER])
        assert refs(client.get("/api/v1/cases?channel=phone")) == [phone.reference]
        assert len(refs(client.get("/api/v1/cases?status=received,closed"))) == 2
        assert refs(client.get("/api/v1/cases?status=closed")) == []

    def test_overdue_and_due_before(self, client_for, users, team):
        overdue = CaseFactory(team=team, overdue=True)
        later = CaseFactory(team=team, queue_due_date=timezone.localdate() + datetime.timedelta(10))
        client = client_for(users[Role.CASE_HANDLER])
        rows = client.get("/api/v1/cases?overdue=true").json()["results"]
        assert [r["reference"] for r in rows] == [overdue.reference]
        assert rows[0]["overdue"] is True
        assert overdue.reference not in refs(client.get("/api/v1/cases?overdue=false"))
        cutoff = (timezone.localdate() + datetime.timedelta(5)).isoformat()
        assert refs(client.get(f"/api/v1/cases?dueBefore={cutoff}")) == [overdue.reference]
        assert later.reference in refs(client.get("/api/v1/cases"))

    def test_closed_cases_only_on_request(self, client_for, users, team):
        closed = CaseFactory(team=team, closed_at=timezone.now())
        client = client_for(users[Role.CASE_HANDLER])
        assert closed.reference not in refs(client.get("/api/v1/cases"))
        assert refs(client.get("/api/v1/cases?open=false")) == [closed.reference]

    def test_full_text_search_on_subject_description_and_party_name(self, client_for, users, anon):
        from tests.cases.test_filing_api import complaint_body

        filed = anon.post(
            "/api/v1/complaints",
            complaint_body(subject="Lantaarnpaal kapot", description="Het is donker op straat."),
        ).json()["reference"]
        client = client_for(users[Role.CASE_HANDLER])
        assert refs(client.get("/api/v1/cases?q=lantaarnpalen")) == [filed]  # Dutch stemming
        assert refs(client.get("/api/v1/cases?q=donker")) == [filed]
        assert refs(client.get("/api/v1/cases?q=Amrani")) == [filed]
        assert refs(client.get(f"/api/v1/cases?q={filed}")) == [filed]
        assert refs(client.get("/api/v1/cases?q=parkeervergunning")) == []

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("kind=letter", "kind"),
            ("dueBefore=tomorrow", "dueBefore"),
            ("overdue=perhaps", "overdue"),
            ("pageSize=0", "pageSize"),
            ("pageSize=1000", "pageSize"),
            ("cursor=notacursor", "cursor"),
            ("due_before=2026-01-01", "due_before"),
        ],
    )
    def test_bad_query_parameters_name_the_parameter(self, client_for, users, query, field):
        response = client_for(users[Role.CASE_HANDLER]).get(f"/api/v1/cases?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["invalidParams"][0]["name"] == field


def test_cursor_pages_walk_forward_and_back_without_gaps(client_for, users, team):
    today = timezone.localdate()
    cases = [
        CaseFactory(team=team, queue_due_date=today + datetime.timedelta(days=i % 3))
        for i in range(7)
    ]
    expected = [
        c.reference for c in sorted(cases, key=lambda c: (c.queue_due_date, c.received_at, c.pk))
    ]
    client = client_for(users[Role.CASE_HANDLER])

    pages, url = [], "/api/v1/cases?pageSize=3"
    while url:
        body = client.get(url).json()
        pages.append([r["reference"] for r in body["results"]])
        url = body["next"]
    assert [ref for page in pages for ref in page] == expected
    assert [len(p) for p in pages] == [3, 3, 1]

    back = client.get(
        client.get(client.get("/api/v1/cases?pageSize=3").json()["next"]).json()["previous"]
    ).json()
    assert [r["reference"] for r in back["results"]] == expected[:3]


def test_personal_data_only_for_roles_that_need_it(client_for, users, spread):
    def row(role):
        results = client_for(users[role]).get("/api/v1/cases").json()["results"]
        return next(r for r in results if r["reference"] == spread["intake"].reference)

    assert row(Role.CASE_HANDLER)["filerName"] == "Fatima el Amrani"
    assert row(Role.ADMINISTRATOR)["filerName"] is None
    assert row(Role.ADMINISTRATOR)["needsExtraCare"] is None


@pytest.mark.parametrize("page_size", [5, 50])
def test_queries_per_page_do_not_grow_with_page_size(client_for, users, team, page_size):
    for _ in range(50):
        PartyFactory(case=CaseFactory(team=team, assignee=users[Role.CASE_HANDLER]))
    client = client_for(users[Role.TEAM_LEAD])
    # Warm the permission cache, and prepare the page's statement on this connection
    # (once per connection and shape: backend/prepared.py).
    client.get(f"/api/v1/cases?pageSize={page_size}")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/cases?pageSize={page_size}")

    assert len(response.json()["results"]) == page_size
    # the page with its filers, outside a transaction of its own (a read: no savepoint
    # here, no BEGIN and COMMIT when served); permissions and teams are cached, nothing
    # per row; then the processing log's one INSERT of the page's filers (in a savepoint
    # here, inside the test's transaction)
    assert len(queries) == 4, [q["sql"] for q in queries.captured_queries]
    insert = statement_name(recorder._INSERT_ARRAYS)  # prepared on a connection's first use
    logged = [q["sql"] for q in queries.captured_queries if f"EXECUTE {insert}(" in q["sql"]]
    assert len(logged) == 1


# With a test's few rows the planner may also walk all open cases in queue order: an
# index of the open cases either way (at 1,000,000 cases it takes the team's: README).
OPEN_TEAM = ("case_open_team_queue ", "case_open_team_status_queue ", "case_open_queue ")


@pytest.mark.parametrize(
    ("filters", "indexes"),
    [
        ({}, OPEN_TEAM),  # open cases, the queue's default
        ({"status": ["received"]}, OPEN_TEAM),
        ({"open": None}, ("case_team_queue ",)),  # history too
    ],
)
def test_queue_query_uses_the_team_index(client_for, users, team, filters, indexes):
    """The planner reads a queue-order index - of the open cases unless the history is
    asked for - not the table, for the page as it is served (chosen first by itself,
    then joined to what its rows show)."""
    other = TeamFactory(code="elders")
    CaseFactory.create_batch(30, team=other)
    CaseFactory.create_batch(3, team=team)
    user = UserFactory(role=Role.ADMINISTRATOR)
    shape, values = selectors.queue_shape(user, QueueFilters(team=team.code, **filters), Window(25))
    queryset = selectors._queue_sql.queryset(shape, selectors._flat(values))
    with connection.cursor() as cursor:
        # Fresh statistics: without them the plan depends on what earlier tests left.
        cursor.execute("ANALYZE cases_case")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert any(index in plan for index in indexes), plan
    assert "Seq Scan on cases_case" not in plan


@pytest.mark.parametrize("personal_data", [True, False])
def test_a_queue_row_is_what_the_declared_fields_give(users, team, personal_data):
    """The queue row is built directly for speed; it must equal DRF's field-by-field
    walk over the declared fields, for every shape a row can take."""
    from cases import selectors
    from cases.api.serializers import CaseQueueItemSerializer
    from cases.selectors import QueueFilters

    handler = users[Role.CASE_HANDLER]
    CaseFactory(team=team, assignee=handler, overdue=True)
    CaseFactory(team=None, objection=True, registered_by=users[Role.RESIDENT])
    closed = CaseFactory(team=team, closed_at=timezone.now())
    PartyFactory(case=closed, organisation_name="Bakkerij De Korenaar")
    rows = list(selectors.case_queue(user=handler, filters=QueueFilters(open=None)))
    assert len(rows) == 3
    context = {"personal_data": personal_data, "care_note": personal_data, "user_pk": 0}
    serializer = CaseQueueItemSerializer(context=context)
    for_api = CaseQueueItemSerializer(context={**context, "camel_case": True})
    for row in rows:
        declared = serializer.to_representation_declared(row)
        assert serializer.to_representation(row) == declared
        # For the API: the keys in camelCase already, passed by the renderer as they are.
        built = for_api.to_representation(row)
        assert type(built) is Camel
        assert list(built.items()) == list(camelize(declared).items())
        assert camelize(built) is built


@pytest.mark.parametrize("role", [Role.CASE_HANDLER, Role.ADMINISTRATOR])
def test_a_reference_typed_in_lower_case_is_found_by_the_unique_index(
    client_for, users, team, role
):
    """A handler's search (names, texts and the reference) and an administrator's (the
    reference only) find a case by its reference however it is typed - through the API,
    whose statement is built once per shape with slots for the values, and through the
    queryset - with a condition the reference's unique index serves, not
    ``UPPER(reference)``, which only reading every case can answer. (With a test's few
    rows the planner reads the queue in order whatever the condition; the condition is
    planned alone.)"""
    cases = CaseFactory.create_batch(3, team=team)
    typed = f"  {cases[1].reference.lower()} "
    client = client_for(users[role])
    for _ in range(2):  # the shape's statement made, then reused with other values
        for case in cases:
            response = client.get("/api/v1/cases", {"q": f" {case.reference.lower()}"})
            assert response.status_code == 200
            assert [row["reference"] for row in response.json()["results"]] == [case.reference]
    queryset = case_queue(user=users[role], filters=QueueFilters(q=typed))
    assert [case.pk for case in queryset] == [cases[1].pk]
    sql = str(queryset.query)
    assert f'"cases_case"."reference" = {cases[1].reference}' in sql, sql
    assert "UPPER(" not in sql, sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Case.objects.filter(reference=reference_typed(typed)).explain()
    assert "case_reference_unique" in plan, plan

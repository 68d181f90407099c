"""The queue page read through its SQL built once per shape (``selectors.queue_rows``)
is the ORM's queue (``selectors.case_queue``): the same rows in the same order, shown the
same way, for every role, filter and page - and one caller's values never answer
another's."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from backend.accounts.roles import Role
from backend.keyset import Window
from backend.prepared import execute_prepared, statement_name
from cases import selectors
from cases.api.serializers import CaseQueueItemSerializer
from cases.selectors import QueueFilters
from tests.factories import CaseFactory, PartyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FILTERS = [
    QueueFilters(),
    QueueFilters(open=None),
    QueueFilters(open=False),
    QueueFilters(kind="objection"),
    QueueFilters(status=["received"]),
    QueueFilters(status=["received", "closed"], open=None),
    QueueFilters(team="north"),
    QueueFilters(team="north", status=["received"]),
    QueueFilters(assignee="me"),
    QueueFilters(assignee="unassigned"),
    QueueFilters(assignee="sanne"),
    QueueFilters(channel="phone"),
    QueueFilters(overdue=True),
    QueueFilters(overdue=False, open=None),
    QueueFilters(due_before=datetime.date(2026, 12, 1)),
    QueueFilters(q="Korenaar"),
    QueueFilters(q="  "),
    QueueFilters(q="KL-2026-777001"),
]


@pytest.fixture
def spread(users, team, other_team):
    """Cases of every kind a row can take, in two teams and the shared intake."""
    north = TeamFactory(code="north")
    sanne = UserFactory(username="sanne", role=Role.CASE_HANDLER, teams=[north, team])
    today = timezone.localdate()
    resident = users[Role.RESIDENT]
    rows = [
        dict(team=team, assignee=users[Role.CASE_HANDLER], overdue=True),
        dict(team=team, channel="phone", queue_due_date=today + datetime.timedelta(days=3)),
        dict(team=north, assignee=sanne, reference="KL-2026-777001"),
        dict(team=north, objection=True, queue_due_date=today),
        dict(team=other_team, objection=True, registered_by=resident),
        dict(team=None, channel="phone", queue_due_date=today),
        dict(team=team, closed_at=timezone.now()),
        dict(team=north, closed_at=timezone.now(), registered_by=resident),
    ]
    for index, fields in enumerate(rows):
        case = CaseFactory(**fields)
        if index % 3 == 0:
            PartyFactory(case=case, organisation_name="Bakkerij De Korenaar")
        elif index % 3 == 1:
            PartyFactory(case=case, needs_extra_care=True)
    # Ties on due date and received moment, so the keyset's id decides between them.
    moment = timezone.now() - datetime.timedelta(days=2)
    for _ in range(3):
        CaseFactory(team=team, queue_due_date=today, received_at=moment)
    return sanne


def shown(rows, context):
    serializer = CaseQueueItemSerializer(context=context)
    return [serializer.to_representation(row) for row in rows]


def walk(user, filters, size, backwards_from=None):
    """Every page, following the keyset from the start (or back from a position)."""
    seen, window = [], Window(size, backwards_from, backwards_from is not None)
    while True:
        read = selectors.queue_rows(user=user, filters=filters, window=window)
        more = len(read) > size
        page = read[:size]
        if window.backwards:
            page.reverse()
            seen = page + seen
            if not more:
                return seen
            first = page[0]
            window = Window(size, [first.queue_due_date, first.received_at, first.id], True)
        else:
            seen += page
            if not more:
                return seen
            last = page[-1]
            window = Window(size, [last.queue_due_date, last.received_at, last.id], False)


@pytest.mark.parametrize("role", [*Role, "superuser", "sanne"])
def test_every_role_and_filter_reads_the_orm_queue(users, spread, role):
    if role == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif role == "sanne":
        user = spread
    else:
        user = users[role]
    context = {"personal_data": True, "care_note": True, "user_pk": user.pk}
    checked = 0
    for filters in FILTERS:
        expected = list(selectors.case_queue(user=user, filters=filters))
        full = selectors.queue_rows(user=user, filters=filters, window=Window(100))
        assert shown(full, context) == shown(expected, context), filters
        assert [row.id for row in walk(user, filters, 2)] == [case.pk for case in expected]
        if len(expected) > 2:
            end = expected[-1]
            position = [end.queue_due_date, end.received_at, end.pk]
            back = walk(user, filters, 2, backwards_from=position)
            assert [row.id for row in back] == [case.pk for case in expected[:-1]]
        checked += len(expected)
    assert checked > 0 if role != Role.INTEGRATION_CLIENT else checked == 0


def test_callers_of_one_shape_each_get_their_own_cases(users, team, other_team):
    """Two handlers in different teams share the query's shape, not its values."""
    ours = CaseFactory(team=team)
    theirs = CaseFactory(team=other_team)
    mine = users[Role.CASE_HANDLER]
    colleague = UserFactory(role=Role.CASE_HANDLER, teams=[other_team])
    window = Window(50)
    read = {
        name: {
            row.id for row in selectors.queue_rows(user=u, filters=QueueFilters(), window=window)
        }
        for name, u in (("mine", mine), ("colleague", colleague), ("mine again", mine))
    }
    assert read["mine"] == read["mine again"] == {ours.pk}
    assert read["colleague"] == {theirs.pk}


@pytest.mark.parametrize(
    "filters",
    [QueueFilters(), QueueFilters(team="klachten", status=["received"]), QueueFilters(q="afval")],
)
def test_a_page_is_chosen_among_the_cases_alone_before_its_rows_are_joined(users, filters):
    """The page's LIMIT sits in a subquery of cases without a join: the planner walks a
    queue-order index and stops after the page, whatever it guesses a filter keeps
    (joined, it once sorted a team's 1,068 new cases for a page of 51: README)."""
    user = users[Role.CASE_HANDLER]
    shape, values = selectors.queue_shape(user, filters, Window(50))
    sql = str(selectors._queue_sql.queryset(shape, selectors._flat(values)).query)
    limit = sql.index("LIMIT 51")
    page = sql[sql.index('"cases_case"."id" IN (SELECT') : limit]
    assert 'FROM "cases_case"' in page
    assert " JOIN " not in page
    assert sql.count("LIMIT 51") == 1


@pytest.mark.parametrize("role", [*Role, "superuser", "sanne", "anonymous"])
def test_a_case_in_memory_is_visible_to_whom_the_query_shows_it(users, spread, role):
    """``case_is_visible_to`` reads the same rule (``_visibility``) as the queries do, on
    the case as it is in memory: it agrees with the database for every case and caller."""
    from django.contrib.auth.models import AnonymousUser

    from cases.models import Case

    if role == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif role == "sanne":
        user = spread
    elif role == "anonymous":
        user = AnonymousUser()
    else:
        user = users[role]
    for case in CaseFactory.create_batch(2, kind="objection", team=None):
        case.assignee = spread
        case.save(update_fields=["assignee"])
    cases = list(Case.objects.all())
    assert len(cases) > 10
    shown = set(selectors.case_visible_to(user).values_list("pk", flat=True))
    assert {case.pk for case in cases if selectors.case_is_visible_to(user, case)} == shown


@pytest.mark.parametrize(
    "filters", [QueueFilters(), QueueFilters(team="klachten", status=["received"])]
)
def test_the_queue_statement_is_planned_once_and_on_the_open_case_indexes(users, team, filters):
    """The service's connections plan prepared statements once (``plan_cache_mode``):
    the plan every later page reuses - made without the values - still reads an index of
    the open cases (which one depends on the rows: at 1,000,000 cases the team's, in queue
    order; README "Benchmarks"), never the table."""
    CaseFactory.create_batch(30, team=TeamFactory(code="elders"))
    CaseFactory.create_batch(3, team=team)
    user = users[Role.TEAM_LEAD]
    shape, values = selectors.queue_shape(user, filters, Window(50))
    sql, params = selectors._queue_sql.statement(shape, selectors._flat(values))
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)
        # A test's few rows would be read whole; ANALYZE drops any plan kept from before.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("ANALYZE cases_case")
        execute_prepared(cursor, sql, params)
        arguments = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXPLAIN EXECUTE {statement_name(sql)}({arguments})", params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert "$1" in plan or "$2" in plan, plan  # the generic plan: parameters, not values
    assert "using case_open_" in plan or "on case_open_" in plan, plan
    assert "Seq Scan on cases_case" not in plan, plan


def test_a_row_shows_its_filer_or_none_and_names_them_for_the_log(users, team):
    """The filer joined to each row of the page: an organisation's name before the
    person's, the care flag, and whom the processing log names - the BSN's keyed digest
    when there is a BSN, else the party; a case without a filer (yet) shows none and
    names no one. Parties in other roles are not the filer."""
    with_bsn, without_bsn, organisation, no_filer = CaseFactory.create_batch(4, team=team)
    filer = PartyFactory(case=with_bsn, needs_extra_care=True)
    filer.bsn_index = "d" * 64
    filer.save(update_fields=["bsn_index"])
    party = PartyFactory(case=without_bsn)
    PartyFactory(case=organisation, organisation_name="Bakkerij De Korenaar")
    PartyFactory(case=no_filer, role="interested_party", name="Iemand Anders")
    rows = {
        row.id: row
        for row in selectors.queue_rows(
            user=users[Role.CASE_HANDLER], filters=QueueFilters(), window=Window(50)
        )
    }
    shown = {
        case.pk: (
            rows[case.pk].filer_name,
            rows[case.pk].filer_needs_extra_care,
            rows[case.pk].filer_subject,
        )
        for case in (with_bsn, without_bsn, organisation, no_filer)
    }
    assert shown[with_bsn.pk] == ("Fatima el Amrani", True, "b" + "d" * 64)
    assert shown[without_bsn.pk] == ("Fatima el Amrani", False, f"p{party.pk}")
    assert shown[organisation.pk][0] == "Bakkerij De Korenaar"
    assert shown[no_filer.pk] == (None, None, None)

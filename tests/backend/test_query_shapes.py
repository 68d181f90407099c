"""SQL built once per shape (backend/query_shapes.py): the same rows as the ORM for
every value, one build per shape, and a refusal where reuse would answer wrongly."""

import datetime

import pytest
from django.db import connection
from django.db.models import Count, QuerySet
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import Team
from backend.query_shapes import ShapeCache, ShapeError, Values
from cases.models import Case, CaseEvent, PartyRole
from tests.factories import CaseFactory, PartyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def counting(build):
    """The builder, and how often it ran."""
    calls = []

    def counted(shape, values: Values) -> QuerySet:
        calls.append(shape)
        return build(shape, values)

    return counted, calls


def _cases(shape: tuple[bool, int], values: Values) -> QuerySet[Case]:
    by_team, statuses = shape
    cases = Case.objects.filter(queue_due_date__gte=values.date("from"))
    if by_team:
        cases = cases.filter(team__code=values.text("team"))
    if statuses:
        cases = cases.filter(status__in=values.texts("statuses"))
    return cases.order_by("id").values_list("reference", "team__code", "queue_due_date")


def test_rows_equal_the_orm_for_every_value_and_the_shape_is_built_once():
    north, south = TeamFactory(code="north"), TeamFactory(code="south")
    for offset in range(6):
        CaseFactory(team=north if offset % 2 else south, queue_due_date=DAY.replace(day=1 + offset))
    build, calls = counting(_cases)
    cache = ShapeCache(build, lambda shape: {"statuses": shape[1]})
    asks = [
        ((True, 0), {"from": DAY, "team": "north"}),
        ((True, 0), {"from": DAY, "team": "south"}),
        ((True, 0), {"from": DAY.replace(day=5), "team": "south"}),
        ((False, 1), {"from": DAY, "statuses": ["received"]}),
        ((False, 1), {"from": DAY, "statuses": ["closed"]}),
        ((False, 2), {"from": DAY, "statuses": ["closed", "received"]}),
    ]
    for shape, values in asks:
        assert cache.rows(shape, values) == list(cache.queryset(shape, values))
    assert cache.rows((True, 0), {"from": DAY, "team": "south"}) != cache.rows(
        (True, 0), {"from": DAY, "team": "north"}
    )
    # Once for each of the three shapes (queryset() builds the ordinary one each time).
    assert calls.count((True, 0)) == 1 + 3
    assert calls.count((False, 1)) == 1 + 2
    assert calls.count((False, 2)) == 1 + 1


def test_one_statement_a_call_and_an_empty_list_none():
    CaseFactory(status="received")
    cache = ShapeCache(_cases, lambda shape: {"statuses": shape[1]})
    cache.rows((False, 1), {"from": DAY, "statuses": ["received"]})
    with CaptureQueriesContext(connection) as queries:
        cache.rows((False, 1), {"from": DAY, "statuses": ["received"]})
    assert len(queries) == 1

    def in_list(shape, values: Values) -> QuerySet:
        return Case.objects.filter(pk__in=values.ints("keys")).values_list("pk")

    empty = ShapeCache(in_list, lambda shape: {"keys": shape})
    with CaptureQueriesContext(connection) as queries:
        assert empty.rows(0, {"keys": []}) == []
    assert len(queries) == 0


def test_a_value_compiled_into_the_sql_text_is_refused():
    """A slice bound from a value is written into the SQL (LIMIT 3), not passed as a
    parameter: reusing that SQL would give every later caller the first one's bound."""

    def limited(shape, values: Values) -> QuerySet:
        return Case.objects.values_list("pk")[: values.int("limit")]

    with pytest.raises(ShapeError, match="limit"):
        ShapeCache(limited, lambda shape: {}).rows(None, {"limit": 3})


def test_instances_carry_their_related_rows_and_annotations_without_more_queries():
    team = TeamFactory(code="east", name="Oost")
    handler = UserFactory(first_name="Sanne", last_name="Visser")
    case = CaseFactory(team=team, assignee=handler)
    PartyFactory(case=case)
    PartyFactory(case=case, role=PartyRole.REPRESENTATIVE)

    def with_team(shape, values: Values) -> QuerySet:
        return (
            Case.objects.filter(reference=values.text("reference"))
            .select_related("team", "assignee")
            .annotate(parties_count=Count("parties"))
        )

    cache = ShapeCache(with_team, lambda shape: {})
    [found] = cache.instances(None, {"reference": case.reference})
    with CaptureQueriesContext(connection) as queries:
        assert (found.pk, found.reference, found.status) == (case.pk, case.reference, case.status)
        assert (found.team.code, found.team.name) == ("east", "Oost")
        assert found.assignee.display_name == "Sanne Visser"
        assert found.parties_count == 2
        assert found.received_at == Case.objects.get(pk=case.pk).received_at
    assert len(queries) == 1  # only the comparison's own read
    assert not found._state.adding
    found.subject = "Saved as any instance read by the ORM"
    found.save(update_fields=["subject"])
    assert Case.objects.get(pk=case.pk).subject == found.subject


def test_shapes_are_kept_up_to_a_bound():
    build, calls = counting(
        lambda shape, values: Team.objects.filter(code=values.text("code")).values_list("pk")
    )
    cache = ShapeCache(build, lambda shape: {}, size=2)
    for shape in ("a", "b", "a", "c", "a", "b"):
        cache.rows(shape, {"code": "x"})
    # a, b built; a kept (used last); c pushes out b; a still kept; b built again.
    assert calls == ["a", "b", "c", "b"]


def test_a_text_inside_a_like_pattern_is_filled_in_escaped_as_the_orm_does():
    CaseFactory(subject="Korting van 50% op de_parkeervergunning")
    CaseFactory(subject="Korting van 50 euro op de parkeervergunning")

    def subject_has(shape, values: Values) -> QuerySet:
        return Case.objects.filter(subject__icontains=values.text("q")).values_list("subject")

    cache = ShapeCache(subject_has, lambda shape: {})
    for text in ("50%", "de_parkeer", "KORTING", "50 euro", "no such words", "\\"):
        assert cache.rows(None, {"q": text}) == list(cache.queryset(None, {"q": text})), text
    assert cache.rows(None, {"q": "50%"}) == [("Korting van 50% op de_parkeervergunning",)]


def test_a_text_changed_before_it_reaches_the_sql_is_refused():
    def shortened(shape, values: Values) -> QuerySet:
        return Case.objects.filter(subject__startswith=values.text("q")[:3]).values_list("pk")

    with pytest.raises(ShapeError):
        ShapeCache(shortened, lambda shape: {}).rows(None, {"q": "Parkeren"})


def test_columns_are_converted_as_the_orm_converts_them():
    """A JSON column comes back as the ORM gives it (decoded), for rows and instances:
    the columns' converters are worked out once per shape and applied to every call."""
    case = CaseFactory()
    for number in range(3):
        CaseEvent.objects.create(case=case, kind="note", data={"n": number, "tags": ["a"]})
    rows = ShapeCache(
        lambda _, values: (
            CaseEvent.objects.filter(case_id=values.int("case"))
            .order_by("id")
            .values_list("id", "data")
        ),
        lambda _: {},
    )
    made = ShapeCache(
        lambda _, values: CaseEvent.objects.filter(case_id=values.int("case")).order_by("id"),
        lambda _: {},
    )
    orm = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("id", "data"))
    assert [tuple(row) for row in rows.rows(None, {"case": case.pk})] == orm
    assert [(e.pk, e.data) for e in made.instances(None, {"case": case.pk})] == orm
    assert orm[0][1] == {"n": 0, "tags": ["a"]}

"""Read queries: which cases a user may see, the work queue, one case."""

import datetime
import enum
import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import (
    CharField,
    F,
    FilteredRelation,
    Model,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf
from django.utils import timezone

from backend.accounts.models import Team, User, person_display_name
from backend.accounts.permission_cache import team_ids_cached
from backend.keyset import Window, keyset_bound
from backend.query_shapes import Given, ShapeCache, Values
from cases.models import (
    NO_DUE_DATE,
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    ContactMoment,
    Deadline,
    DeadlineChange,
    OpenAndDue,
    Party,
    PartyRole,
)


class Sight(enum.Enum):
    """Which cases a user sees, by role (the branch of ``case_visible_to`` they take)."""

    NONE = "none"
    ALL = "all"
    QUEUE = "queue"
    QUEUE_AND_OBJECTIONS = "queue+objections"
    OWN = "own"


def sight_of(user: User) -> Sight:
    if not user.is_authenticated:
        return Sight.NONE
    if user.has_perm("cases.view_all_cases"):
        return Sight.ALL
    if user.has_perm("cases.view_queue"):
        if user.has_perm("cases.view_all_objections"):
            return Sight.QUEUE_AND_OBJECTIONS
        return Sight.QUEUE
    return Sight.OWN


def sight_values(user: User, sight: Sight) -> dict[str, Any]:
    """The values ``_visible`` reads for this user: their key, and their teams for the
    queue's sights (a list, not a subquery: it plans as ``team_id = ANY(...)``)."""
    if sight in (Sight.QUEUE, Sight.QUEUE_AND_OBJECTIONS):
        return {"user": user.pk, "teams": team_ids_cached(user)}
    return {"user": user.pk}


def _seen_by(user: User) -> tuple[tuple[Sight, int], dict[str, Any]]:
    """The visibility part of a shaped read's key (the sight and how many teams) and the
    values that fill it."""
    sight = sight_of(user)
    values = sight_values(user, sight)
    return (sight, len(values.get("teams", ()))), values


def _visibility(sight: Sight, values: Values) -> tuple[tuple[str, Any], ...] | bool:
    """The one statement of who sees which cases: the lookups a visible case meets any
    one of (``True``: every case; ``False``: none). Read as SQL by ``_visible`` and, for
    a case in memory, by ``case_is_visible_to``."""
    if sight is Sight.NONE:
        return False
    if sight is Sight.ALL:
        return True
    if sight is Sight.OWN:
        return (("registered_by_id", values.int("user")),)
    terms: tuple[tuple[str, Any], ...] = (
        ("team_id__in", values.ints("teams")),
        ("team_id__isnull", True),
        ("assignee_id", values.int("user")),
    )
    if sight is Sight.QUEUE_AND_OBJECTIONS:
        terms += (("kind", CaseKind.OBJECTION),)
    return terms


def _visible(sight: Sight, values: Values) -> QuerySet[Case]:
    terms = _visibility(sight, values)
    if terms is True:
        return Case.objects.all()
    if terms is False:
        return Case.objects.none()
    return Case.objects.filter(functools.reduce(operator.or_, (Q(term) for term in terms)))


def case_visible_to(user: User) -> QuerySet[Case]:
    """Every list and lookup starts here: DRF does not apply object permissions to lists.

    Staff see their teams' cases, the shared intake (no team) and what is assigned to
    them; legal staff also every objection; administrators everything; residents and
    integration clients only what they filed themselves.
    """
    sight = sight_of(user)
    return _visible(sight, Given(sight_values(user, sight)))


def case_is_visible_to(user: User, case: Case) -> bool:
    """Whether ``case_visible_to(user)`` holds this case as it is in memory (a case just
    filed: no statement to ask the database what it was just told)."""
    sight = sight_of(user)
    terms = _visibility(sight, Given(sight_values(user, sight)))
    if isinstance(terms, bool):
        return terms
    return any(_holds(case, lookup, value) for lookup, value in terms)


def _holds(case: Case, lookup: str, value: Any) -> bool:
    """One of ``_visibility``'s lookups, on a case in memory (the lookups it uses)."""
    name, _, operator_name = lookup.partition("__")
    actual = getattr(case, name)
    if operator_name == "in":
        return actual in value
    if operator_name == "isnull":
        return (actual is None) is value
    if operator_name:
        raise ValueError(f"no reading in memory of the lookup {lookup!r}")
    return actual == value


def searches_content(user: User) -> bool:
    """A search on names and texts reveals them (a hit says "this person has a case"): it is
    for callers who see the personal data of every case they can list - handling staff,
    and filers among their own cases. Others (administrators) find by reference only."""
    return user.has_perm("cases.view_personal_data") or not user.has_perm("cases.view_queue")


def _search(cases: QuerySet[Case], text: str, reference: str) -> QuerySet[Case]:
    """Full-text search on reference, subject, description and party names, or the case
    with this reference (``reference_typed``).

    PostgreSQL uses the GIN index on the same expression (migration 0003); SQLite, the
    embedded default, falls back to a plain substring match.
    """
    if connection.vendor == "postgresql":
        vector = SearchVector("search_document", config=settings.SEARCH_CONFIG)
        query = SearchQuery(text, config=settings.SEARCH_CONFIG, search_type="websearch")
        return cases.annotate(search=vector).filter(Q(search=query) | Q(reference=reference))
    return cases.filter(Q(search_document__icontains=text) | Q(reference=reference))


def reference_typed(text: str) -> str:
    """A reference as it is stored, however it was typed (``kl-2026-000123``): compared
    as it is, the unique index finds it, where ``iexact`` (``UPPER(reference)``) read
    every case. References are upper case (``services.reference_allocate``). Done to the
    value, before a query shape's slot takes it (``backend.query_shapes``)."""
    return text.strip().upper()


@dataclass(frozen=True)
class QueueFilters:
    kind: str | None = None
    status: list[str] | None = None
    team: str | None = None
    assignee: str | None = None  # "me", "unassigned" or a username
    channel: str | None = None
    overdue: bool | None = None
    due_before: datetime.date | None = None
    open: bool | None = True
    q: str | None = None


# Soonest due first, then oldest received; the id breaks ties (keyset pagination).
QUEUE_ORDER = ("queue_due_date", "received_at", "id")


@dataclass(frozen=True)
class QueueShape:
    """What decides the queue query's SQL; the values that fill it are apart."""

    sight: Sight
    teams: int = 0  # how many teams the caller is in
    kind: bool = False
    statuses: int = 0
    team: bool = False
    assignee: str | None = None  # "me", "unassigned", "named"
    channel: bool = False
    open: bool | None = True
    overdue: bool | None = None
    due_before: bool = False
    q: str | None = None  # "search" (names and texts) or "reference"
    cursor: str | None = None  # "after" or "before" the cursor's row
    rows: int | None = None  # at most this many rows (a page and one more)


def queue_shape(
    user: User, filters: QueueFilters, window: Window | None = None
) -> tuple[QueueShape, dict[str, Any]]:
    """The shape of this caller's queue query and the values that fill it."""
    (sight, teams), values = _seen_by(user)
    values["today"] = timezone.localdate()
    named = filters.assignee not in (None, "", "me", "unassigned")
    q = (filters.q or "").strip()
    values |= {
        "kind": filters.kind,
        "statuses": list(filters.status or []),
        "team": filters.team,
        "assignee": filters.assignee if named else None,
        "channel": filters.channel,
        "due_before": filters.due_before,
        "q": q,
        "reference": reference_typed(q),
    }
    cursor = None
    if window is not None and window.after is not None:
        cursor = "before" if window.backwards else "after"
        values["cursor"] = window.after
    shape = QueueShape(
        sight=sight,
        teams=teams,
        kind=bool(filters.kind),
        statuses=len(values["statuses"]),
        team=bool(filters.team),
        assignee="named" if named else (filters.assignee or None),
        channel=bool(filters.channel),
        open=filters.open,
        overdue=filters.overdue,
        due_before=filters.due_before is not None,
        q=(("search" if searches_content(user) else "reference") if q else None),
        cursor=cursor,
        rows=window.size + 1 if window is not None else None,
    )
    return shape, values


def _queue_cases(shape: QueueShape, values: Values) -> QuerySet[Case]:
    """The work queue: visible cases, filtered, in queue order, each with its filer; a
    page of it (``shape.rows``) chosen first by itself, then joined to what its rows show.
    Chosen together, the planner could misjudge how many cases a filter keeps (a team
    given by code, a state) and join and sort all of them for a page of 50: 2.9 ms of the
    database's time a page at 1,000,000 cases, against 0.3 ms for the page alone."""
    cases = _queue_filtered(shape, values)
    if shape.rows is not None:
        page = cases[: shape.rows].values("pk")
        cases = Case.objects.filter(pk__in=page).order_by(*QUEUE_ORDER)
        if shape.cursor == "before":
            cases = cases.reverse()
    # The row reads its filer through one join: one statement, not a second for the
    # parties, and one lookup a row (constraint one_filer_per_case, whose index the join
    # reads) where three subqueries took three - two thirds of the page's buffer reads.
    return cases.annotate(
        filer=FilteredRelation("parties", condition=Q(parties__role=PartyRole.FILER)),
        filer_name=Coalesce(NullIf(F("filer__organisation_name"), Value("")), F("filer__name")),
        filer_needs_extra_care=F("filer__needs_extra_care"),
        # Who the row is about, for the processing log (cases.processing): the BSN's
        # keyed digest when there is one, else the party's id; never shown.
        filer_subject=DbCase(
            When(filer__pk__isnull=True, then=Value(None)),
            When(filer__bsn_index="", then=Concat(Value("p"), Cast("filer__pk", CharField()))),
            default=Concat(Value("b"), "filer__bsn_index"),
            output_field=CharField(),
        ),
    )


def _queue_filtered(shape: QueueShape, values: Values) -> QuerySet[Case]:
    """The visible cases the filters keep, in queue order, after the cursor."""
    cases = _visible(shape.sight, values)
    if shape.kind:
        cases = cases.filter(kind=values.text("kind"))
    if shape.statuses:
        cases = cases.filter(status__in=values.texts("statuses"))
    if shape.team:
        # A scalar subquery, not a join: the planner then walks the (team, due, ...) index
        # in queue order instead of sorting the team's cases.
        team_id = Team.objects.filter(code=values.text("team")).values("pk")[:1]
        cases = cases.filter(team_id=Subquery(team_id))
    if shape.assignee == "me":
        cases = cases.filter(assignee_id=values.int("user"))
    elif shape.assignee == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    elif shape.assignee == "named":
        cases = cases.filter(assignee__username=values.text("assignee"))
    if shape.channel:
        cases = cases.filter(channel=values.text("channel"))
    if shape.open is not None:
        cases = cases.filter(closed_at__isnull=shape.open)
    if shape.overdue is True:
        cases = cases.filter(queue_due_date__lt=values.date("today"), closed_at__isnull=True)
    elif shape.overdue is False:
        cases = cases.exclude(queue_due_date__lt=values.date("today"), closed_at__isnull=True)
    if shape.due_before:
        cases = cases.filter(queue_due_date__lt=values.date("due_before"))
    if shape.q == "search":
        cases = _search(cases, values.text("q"), values.text("reference"))
    elif shape.q == "reference":
        cases = cases.filter(reference=values.text("reference"))
    cases = cases.order_by(*QUEUE_ORDER)
    if shape.cursor is not None:
        after = [values.date("cursor.0"), values.moment("cursor.1"), values.int("cursor.2")]
        cases = keyset_bound(cases, QUEUE_ORDER, after, backwards=shape.cursor == "before")
    return cases


def case_queue(*, user: User, filters: QueueFilters) -> QuerySet[Case]:
    """The work queue as cases (with the filer's name and care flag annotated), reading
    only what a queue row shows."""
    shape, values = queue_shape(user, filters)
    cases = _queue_cases(shape, Given(values))
    return cases.select_related("team", "assignee").only(*QUEUE_ROW_FIELDS)


QUEUE_COLUMNS = (
    "id",
    "reference",
    "kind",
    "status",
    "subject",
    "channel",
    "received_at",
    "queue_due_date",
    "closed_at",
    "registered_by_id",
    "team__code",
    "team__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "filer_name",
    "filer_needs_extra_care",
    "filer_subject",
)


# What ``case_queue`` reads of the case and its team and assignee (the filer comes from
# the annotations).
QUEUE_ROW_FIELDS = tuple(
    c
    for c in QUEUE_COLUMNS
    if c not in ("id", "filer_name", "filer_needs_extra_care", "filer_subject")
)


def _queue_lengths(shape: QueueShape) -> dict[str, int]:
    return {"teams": shape.teams, "statuses": shape.statuses}


_queue_sql = ShapeCache(
    lambda shape, values: _queue_cases(shape, values).values_list(*QUEUE_COLUMNS),
    _queue_lengths,
)


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and a page
# builds 51 of these rows (7 times slower to make; nothing changes a row once read).
@dataclass(slots=True)
class TeamRow:
    code: str
    name: str


@dataclass(slots=True)
class PersonRow:
    username: str
    first_name: str
    last_name: str

    @property
    def display_name(self) -> str:
        return person_display_name(self.first_name, self.last_name, self.username)


@dataclass(slots=True)
class QueueRow(OpenAndDue):
    """A queue row as read: what the row shows, without a model instance per case."""

    id: int
    reference: str
    kind: str
    status: str
    subject: str
    channel: str
    received_at: datetime.datetime
    queue_due_date: datetime.date
    closed_at: datetime.datetime | None
    registered_by_id: int | None
    team: TeamRow | None
    assignee: PersonRow | None
    filer_name: str | None
    filer_needs_extra_care: bool | None
    # "b<digest>" or "p<party id>" (cases.processing.queue_subject)
    filer_subject: str | None


def queue_rows(*, user: User, filters: QueueFilters, window: Window) -> list[QueueRow]:
    """The rows of one queue page (and one more, to tell whether another page follows),
    in the order read; the statement's SQL is built once per shape (``ShapeCache``)."""
    shape, values = queue_shape(user, filters, window)
    rows = []
    for row in _queue_sql.rows(shape, _flat(values)):
        (pk, reference, kind, status, subject, channel, received, due, closed, by) = row[:10]
        code, team_name, username, first, last, filer_name, care, filer_subject = row[10:]
        rows.append(
            QueueRow(
                pk,
                reference,
                kind,
                status,
                subject,
                channel,
                received,
                due,
                closed,
                by,
                TeamRow(code, team_name) if code is not None else None,
                PersonRow(username, first, last) if username is not None else None,
                filer_name,
                care,
                filer_subject,
            )
        )
    return rows


def _flat(values: dict[str, Any]) -> dict[str, Any]:
    """The cursor's values under the names the builder gives their slots."""
    cursor = values.pop("cursor", None)
    if cursor is not None:
        values |= {f"cursor.{index}": value for index, value in enumerate(cursor)}
    return values


def _detail_case(shape: tuple[Sight, int], values: Values) -> QuerySet[Case]:
    sight, _teams = shape
    return (
        _visible(sight, values)
        .select_related("team", "assignee", "complaint__employee", "objection")
        .filter(reference=values.text("reference"))[:1]
    )


# The case page's reads, each built once per shape (see ``case_queue``): for a page that
# reads six tables, building and compiling their SQL was a third of its time.
_detail_case_sql = ShapeCache(_detail_case, lambda shape: {"teams": shape[1]})
_deadlines_sql = ShapeCache(
    lambda _, values: Deadline.objects.filter(case_id=values.int("case")).order_by(
        "due_date", "id"
    ),
    lambda _: {},
)
_deadline_changes_sql = ShapeCache(
    lambda _, values: DeadlineChange.objects.filter(
        deadline__case_id=values.int("case")
    ).select_related("by"),
    lambda _: {},
)
_parties_sql = ShapeCache(
    lambda _, values: Party.objects.filter(case_id=values.int("case")).order_by("id"),
    lambda _: {},
)
_attachments_sql = ShapeCache(
    lambda _, values: Attachment.objects.filter(case_id=values.int("case")).order_by("id"),
    lambda _: {},
)
_contact_moments_sql = ShapeCache(
    lambda _, values: (
        ContactMoment.objects.filter(case_id=values.int("case"))
        .select_related("by")
        .order_by("occurred_at", "id")
    ),
    lambda _: {},
)
_latest_events_sql = ShapeCache(
    lambda _, values: (
        CaseEvent.objects.filter(case_id=values.int("case"))
        .select_related("actor")
        .order_by("-occurred_at", "-id")[:LATEST_EVENTS]
    ),
    lambda _: {},
)
LATEST_EVENTS = 50


def case_detail(*, user: User, reference: str) -> Case:
    """One case with everything its page shows; raises Case.DoesNotExist if not visible.

    The related rows are read by the case's key and left as ``prefetch_related`` leaves
    them (``related_cached``), without its per-level machinery (which cost as much
    again as the reads themselves)."""
    shape, values = _seen_by(user)
    found = _detail_case_sql.instances(shape, values | {"reference": reference})
    if not found:
        raise Case.DoesNotExist(f"no visible case {reference}")
    case = found[0]
    key = {"case": case.pk}
    deadlines = _deadlines_sql.instances(None, key)
    changes: dict[int, list[DeadlineChange]] = {deadline.pk: [] for deadline in deadlines}
    for change in _deadline_changes_sql.instances(None, key):
        changes[change.deadline_id].append(change)
    for deadline in deadlines:
        related_cached(deadline, "changes", changes[deadline.pk])
    related_cached(case, "deadlines", deadlines)
    related_cached(case, "parties", _parties_sql.instances(None, key))
    related_cached(case, "attachments", _attachments_sql.instances(None, key))
    related_cached(case, "contact_moments", _contact_moments_sql.instances(None, key))
    return case


def latest_events(case: Case) -> list[CaseEvent]:
    """The case's latest timeline entries, oldest first (the page shows these; the
    whole history is paged at /cases/{reference}/events)."""
    written = related_in_memory(case, "events")
    if written is not None:  # a case just filed: what the filing wrote
        return sorted(written, key=lambda event: (event.occurred_at, event.pk))[-LATEST_EVENTS:]
    events = _latest_events_sql.instances(None, {"case": case.pk})
    events.reverse()
    return events


def related_cached(instance: Model, name: str, rows: Iterable[Model]) -> None:
    """Leave ``instance.<name>.all()`` as ``prefetch_related`` leaves it, from rows already
    in memory: a case just filed answers with its page without reading back what it
    wrote.

    The queryset left is the related manager's, its filter on ``instance`` deferred as the
    manager defers it (applied only if the queryset is chained: ``.filter()`` on it still
    reads this instance's rows alone); built here without a manager, whose making and
    cloning cost more than the rows (tests/cases/test_related_cached.py holds the two
    the same)."""
    related, key, cache_name = _reverse_relation(type(instance), name)
    queryset = related._default_manager.get_queryset()
    queryset._deferred_filter = (False, (), {key.name: instance})
    # As the manager: rows a chained queryset reads point back at this instance.
    queryset._known_related_objects = {key: {getattr(instance, key.target_field.attname): instance}}
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[cache_name] = queryset


@functools.cache
def _reverse_relation(model: type[Model], name: str) -> tuple[type[Model], Any, str]:
    """For ``model.<name>`` (a reverse foreign key): the related model, its key to
    ``model`` and the prefetch cache's name."""
    key = getattr(model, name).field
    return key.model, key, key.remote_field.cache_name


def rows_written(instance: Model, name: str, rows: Iterable[Model]) -> None:
    """Keep the rows a use case has just written for ``instance.<name>``: the page of a
    case just filed is built from them without reading them back
    (``rows_written_cached``), and a filing that answers with a receipt pays nothing for
    them (a related queryset costs as much to make as a row to write)."""
    instance.__dict__.setdefault("_rows_written", {})[name] = list(rows)


def rows_written_cached(instance: Model) -> None:
    """What ``rows_written`` kept, on the instance and on those rows, left as
    ``prefetch_related`` leaves it (``related_cached``)."""
    for name, rows in instance.__dict__.pop("_rows_written", {}).items():
        for row in rows:
            rows_written_cached(row)
        related_cached(instance, name, rows)


def related_in_memory(instance: Model, name: str) -> list[Model] | None:
    """The rows ``related_cached`` (or ``prefetch_related``) left for ``instance.<name>``,
    or None when they would be read."""
    cache_name = _reverse_relation(type(instance), name)[2]
    cached = instance.__dict__.get("_prefetched_objects_cache", {}).get(cache_name)
    return None if cached is None else list(cached)


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("occurred_at", "id")


__all__ = [
    "NO_DUE_DATE",
    "QueueFilters",
    "case_detail",
    "case_events",
    "case_is_visible_to",
    "case_queue",
    "latest_events",
    "queue_rows",
    "related_cached",
    "related_in_memory",
    "rows_written",
    "rows_written_cached",
]

"""Read queries: which cases a user may see, the work queue, one case."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from backend.accounts.models import Team, User
from backend.accounts.permission_cache import team_ids_cached
from cases.models import (
    NO_DUE_DATE,
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    ContactMoment,
    Deadline,
    DeadlineChange,
    Party,
    PartyRole,
)


def case_visible_to(user: User) -> QuerySet[Case]:
    """Every list and lookup starts here: DRF does not apply object permissions to lists.

    Staff see their teams' cases, the shared intake (no team) and what is assigned to
    them; legal staff also every objection; administrators everything; residents and
    integration clients only what they filed themselves.
    """
    cases = Case.objects.all()
    if not user.is_authenticated:
        return cases.none()
    if user.has_perm("cases.view_all_cases"):
        return cases
    if user.has_perm("cases.view_queue"):
        teams = team_ids_cached(user)  # a list, not a subquery: plans as team_id = ANY(...)
        visible = Q(team_id__in=teams) | Q(team__isnull=True) | Q(assignee=user)
        if user.has_perm("cases.view_all_objections"):
            visible |= Q(kind=CaseKind.OBJECTION)
        return cases.filter(visible)
    return cases.filter(registered_by=user)


def searches_content(user: User) -> bool:
    """A search on names and texts reveals them (a hit says "this person has a case"): it is
    for callers who see the personal data of every case they can list - handling staff,
    and filers among their own cases. Others (administrators) find by reference only."""
    return user.has_perm("cases.view_personal_data") or not user.has_perm("cases.view_queue")


def search_filter(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Full-text search on reference, subject, description and party names.

    PostgreSQL uses the GIN index on the same expression (migration 0003); SQLite, the
    embedded default, falls back to a plain substring match.
    """
    text = text.strip()
    if not text:
        return cases
    if connection.vendor == "postgresql":
        vector = SearchVector("search_document", config=settings.SEARCH_CONFIG)
        query = SearchQuery(text, config=settings.SEARCH_CONFIG, search_type="websearch")
        return cases.annotate(search=vector).filter(Q(search=query) | Q(reference__iexact=text))
    return cases.filter(Q(search_document__icontains=text) | Q(reference__iexact=text))


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


QUEUE_ROW_FIELDS = (
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
)


def case_queue(*, user: User, filters: QueueFilters) -> QuerySet[Case]:
    """The work queue: visible cases, filtered, soonest due first, then oldest received."""
    cases = case_visible_to(user)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.status:
        cases = cases.filter(status__in=filters.status)
    if filters.team:
        # A scalar subquery, not a join: the planner then walks the (team, due, ...) index
        # in queue order instead of sorting the team's cases.
        team_id = Team.objects.filter(code=filters.team).values("pk")[:1]
        cases = cases.filter(team_id=Subquery(team_id))
    if filters.assignee == "me":
        cases = cases.filter(assignee=user)
    elif filters.assignee == "unassigned":
        cases = cases.filter(assignee__isnull=True)
    elif filters.assignee:
        cases = cases.filter(assignee__username=filters.assignee)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.open is not None:
        cases = cases.filter(closed_at__isnull=filters.open)
    today = timezone.localdate()
    if filters.overdue is True:
        cases = cases.filter(queue_due_date__lt=today, closed_at__isnull=True)
    elif filters.overdue is False:
        cases = cases.exclude(queue_due_date__lt=today, closed_at__isnull=True)
    if filters.due_before:
        cases = cases.filter(queue_due_date__lt=filters.due_before)
    if filters.q:
        if searches_content(user):
            cases = search_filter(cases, filters.q)
        else:
            cases = cases.filter(reference__iexact=filters.q.strip())
    # The row reads only what a queue row shows (not the description or the search text),
    # and the filer from a subquery: one statement, not a second for the parties.
    # One filer a case (constraint one_filer_per_case), read through that index.
    filer = Party.objects.filter(case=OuterRef("pk"), role=PartyRole.FILER)
    return (
        cases.select_related("team", "assignee")
        .only(*QUEUE_ROW_FIELDS)
        .annotate(
            filer_name=Subquery(
                filer.annotate(
                    shown=Coalesce(NullIf("organisation_name", Value("")), "name")
                ).values("shown")[:1]
            ),
            filer_needs_extra_care=Subquery(filer.values("needs_extra_care")[:1]),
        )
        .order_by("queue_due_date", "received_at", "id")
    )


def case_detail(*, user: User, reference: str) -> Case:
    """One case with everything its page shows; raises Case.DoesNotExist if not visible.

    The related rows are read by the case's key and left as ``prefetch_related`` leaves
    them (``related_cached``), without its per-level machinery (which cost as much
    again as the reads themselves)."""
    case = (
        case_visible_to(user)
        .select_related("team", "assignee", "complaint__employee", "objection")
        .get(reference=reference)
    )
    deadlines = list(Deadline.objects.filter(case_id=case.pk).order_by("due_date", "id"))
    changes: dict[int, list[DeadlineChange]] = {deadline.pk: [] for deadline in deadlines}
    for change in DeadlineChange.objects.filter(deadline__case_id=case.pk).select_related("by"):
        changes[change.deadline_id].append(change)
    for deadline in deadlines:
        related_cached(deadline, "changes", changes[deadline.pk])
    related_cached(case, "deadlines", deadlines)
    related_cached(case, "parties", Party.objects.filter(case_id=case.pk))
    related_cached(case, "attachments", Attachment.objects.filter(case_id=case.pk))
    related_cached(
        case, "contact_moments", ContactMoment.objects.filter(case_id=case.pk).select_related("by")
    )
    return case


def related_cached(instance: Model, name: str, rows: Iterable[Model]) -> None:
    """Leave ``instance.<name>.all()`` as ``prefetch_related`` leaves it, from rows already
    in memory: a case just filed answers with its page without reading back what it
    wrote."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[manager.field.remote_field.cache_name] = queryset


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("occurred_at", "id")


__all__ = [
    "NO_DUE_DATE",
    "QueueFilters",
    "case_detail",
    "case_events",
    "case_queue",
    "related_cached",
]

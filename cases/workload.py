"""A team lead's view of the work: open cases per handler (overdue, due soon), the cases
that need attention, and who can take a case on (``services._can_handle`` decides for each
case when it is assigned)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from backend.accounts.models import User
from backend.accounts.permission_cache import team_ids_cached
from cases.deadlines import norm_calendar
from cases.models import Case
from cases.selectors import case_visible_to


@dataclass(frozen=True)
class Load:
    person: User | None  # None: the cases nobody has claimed yet
    open: int
    overdue: int
    due_soon: int


def due_soon_until(today: datetime.date) -> datetime.date:
    """The last day that counts as "due soon": WORKBENCH_DUE_SOON_DAYS municipal working
    days ahead (the orange traffic light, ``cases.urgency``)."""
    return norm_calendar().add_working_days(today, settings.WORKBENCH_DUE_SOON_DAYS)


def handling_people(lead: User) -> QuerySet[User]:
    """Active people in the lead's teams (everyone's, for a lead who sees every case) who
    may handle cases."""
    people = User.objects.filter(
        is_active=True,
        groups__permissions__codename="claim_case",
        groups__permissions__content_type__app_label="cases",
    )
    if not lead.has_perm("cases.view_all_cases"):
        people = people.filter(teams__in=team_ids_cached(lead))
    return people.distinct().order_by("first_name", "last_name", "username")


def workload(lead: User, today: datetime.date) -> list[Load]:
    """Open cases per handler the lead can see, the unclaimed first (one statement for the
    counts, one for the people)."""
    soon = due_soon_until(today)
    counts = {
        row["assignee"]: row
        for row in case_visible_to(lead)
        .filter(closed_at__isnull=True)
        .values("assignee")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(queue_due_date__lt=today)),
            due_soon=Count("pk", filter=Q(queue_due_date__gte=today, queue_due_date__lte=soon)),
        )
        .order_by()
    }
    empty = {"open": 0, "overdue": 0, "due_soon": 0}
    unclaimed = counts.get(None, empty)
    loads = [Load(None, unclaimed["open"], unclaimed["overdue"], unclaimed["due_soon"])]
    for person in handling_people(lead):
        row = counts.get(person.pk, empty)
        loads.append(Load(person, row["open"], row["overdue"], row["due_soon"]))
    return loads


def needs_attention(lead: User, today: datetime.date, limit: int = 100) -> list[Case]:
    """Open cases overdue or due soon, soonest first."""
    return list(
        case_visible_to(lead)
        .filter(closed_at__isnull=True, queue_due_date__lte=due_soon_until(today))
        .select_related("assignee", "team")
        .order_by("queue_due_date", "received_at", "pk")[:limit]
    )

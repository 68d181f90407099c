"""The deadline sweep: warn before a term ends, escalate and mark it missed after.

Run by Celery beat (``cases.tasks.deadlines_sweep``) and safe with several workers and
restarting beats: rows are taken with ``SELECT ... FOR UPDATE SKIP LOCKED`` so two sweeps
never handle the same deadline, and a notification is a row unique per deadline and
stage, so it is recorded - and sent - exactly once. E-mail goes out after commit from the
notification rows; one that failed stays unsent and is retried by the next run.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.outbox.services import outbox_publish_new
from cases import events
from cases.deadlines import cases_due_refresh, legal_calendar, short_term_calendar
from cases.legal.calendar import LegalCalendar
from cases.models import (
    Case,
    CaseEvent,
    CaseKind,
    Deadline,
    DeadlineChange,
    DeadlineChangeKind,
    DeadlineNotification,
    DeadlineState,
    EventKind,
    NotificationStage,
)
from cases.penalties import penalty_status_on

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    warned: int = 0
    missed: int = 0
    penalty_warnings: int = 0
    notification_ids: list[int] = field(default_factory=list)


def working_day_horizon(cal: LegalCalendar, today: datetime.date, days: int) -> datetime.date:
    """The last due date that has at most ``days`` working days left after ``today``."""
    day, counted = today, 0
    while True:
        following = day + datetime.timedelta(days=1)
        if not cal.is_rest_day(following):
            if counted == days:
                return day
            counted += 1
        day = following


def _due_rows(queryset: QuerySet[Deadline], batch: int) -> list[Deadline]:
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("case")
        .order_by("due_date", "id")[:batch]
    )


def deadlines_sweep(*, today: datetime.date | None = None, batch: int | None = None) -> SweepResult:
    """One pass: mark missed terms and escalate them, then warn for each warning stage."""
    today = today or timezone.localdate()
    batch = batch or settings.DEADLINE_SWEEP_BATCH
    result = SweepResult()
    _sweep_missed(today, batch, result)
    cal = legal_calendar()
    for days_before in sorted(settings.DEADLINE_WARNING_DAYS, reverse=True):
        _sweep_warnings(
            today, days_before, working_day_horizon(cal, today, days_before), batch, result
        )
    _sweep_penalties(today, batch, result)
    return result


@transaction.atomic
def _sweep_penalties(today: datetime.date, batch: int, result: SweepResult) -> None:
    """Warn legal staff once a day while a penalty payment accrues (Awb 4:17)."""
    candidates = (
        # Open, or decided but the decision not yet sent: the penalty runs until it is.
        Case.objects.filter(
            Q(closed_at__isnull=True) | Q(objection__decided_at__isnull=False),
            kind=CaseKind.OBJECTION,
            notices_of_default__isnull=False,
            objection__decision_sent_on__isnull=True,
        )
        .distinct()
        .select_related("objection")
        .prefetch_related("notices_of_default")[:batch]
    )
    created: list[DeadlineNotification] = []
    cal = short_term_calendar()  # once, not per case
    for case in candidates:
        status = penalty_status_on(case, today, cal)
        if status is None or not status.accruing:
            continue
        term = case.deadlines.filter(kind="objection_decision").order_by("-created_at").first()
        # Unique per deadline, stage and penalty day: once a day, however many sweeps run.
        notification, new = DeadlineNotification.objects.get_or_create(
            deadline=term, stage=NotificationStage.PENALTY, days_before=status.days
        )
        if new:
            created.append(notification)
            outbox_publish_new(
                [
                    events.penalty_running(
                        case, notification, day=status.days, amount=str(status.amount)
                    )
                ]
            )
            CaseEvent.objects.create(
                case=case,
                kind=EventKind.DEADLINE_MISSED,
                data={"penalty_day": status.days, "amount_so_far": status.amount},
            )
    if created:
        result.penalty_warnings += len(created)
        result.notification_ids.extend(n.pk for n in created)


@transaction.atomic
def _sweep_missed(today: datetime.date, batch: int, result: SweepResult) -> None:
    rows = _due_rows(
        Deadline.objects.filter(state=DeadlineState.RUNNING, due_date__lt=today), batch
    )
    if not rows:
        return
    Deadline.objects.filter(pk__in=[d.pk for d in rows]).update(
        state=DeadlineState.MISSED, closed_on=today
    )
    DeadlineChange.objects.bulk_create(
        DeadlineChange(deadline=d, kind=DeadlineChangeKind.MISSED, due_before=d.due_date)
        for d in rows
    )
    notifications = DeadlineNotification.objects.bulk_create(
        DeadlineNotification(deadline=d, stage=NotificationStage.MISSED, days_before=0)
        for d in rows
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=d.case,
            kind=EventKind.DEADLINE_MISSED,
            data={
                "deadline": d.kind,
                "due_date": d.due_date.isoformat(),
                "escalated_to": "team_lead",
            },
        )
        for d in rows
    )
    outbox_publish_new([events.deadline_missed(n) for n in notifications])
    cases_due_refresh({d.case_id for d in rows})
    result.missed += len(rows)
    result.notification_ids.extend(n.pk for n in notifications)


@transaction.atomic
def _sweep_warnings(
    today: datetime.date, days_before: int, horizon: datetime.date, batch: int, result: SweepResult
) -> None:
    already = DeadlineNotification.objects.filter(
        deadline=OuterRef("pk"), stage=NotificationStage.WARNING, days_before=days_before
    )
    rows = _due_rows(
        Deadline.objects.filter(
            state=DeadlineState.RUNNING, due_date__gte=today, due_date__lte=horizon
        ).filter(~Exists(already)),
        batch,
    )
    # The NOT EXISTS above saw the snapshot from before the row locks were taken: a sweep
    # that committed in between may have warned already. Now that the rows are ours, a
    # fresh statement sees its notifications.
    warned = set(
        DeadlineNotification.objects.filter(
            deadline__in=rows, stage=NotificationStage.WARNING, days_before=days_before
        ).values_list("deadline_id", flat=True)
    )
    rows = [d for d in rows if d.pk not in warned]
    if not rows:
        return
    notifications = DeadlineNotification.objects.bulk_create(
        DeadlineNotification(
            deadline=d,
            stage=NotificationStage.WARNING,
            days_before=days_before,
            recipient_id=d.case.assignee_id,
        )
        for d in rows
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=d.case,
            kind=EventKind.DEADLINE_WARNING,
            data={
                "deadline": d.kind,
                "due_date": d.due_date.isoformat(),
                "working_days_before": days_before,
            },
        )
        for d in rows
    )
    outbox_publish_new([events.deadline_warning(n) for n in notifications])
    result.warned += len(rows)
    result.notification_ids.extend(n.pk for n in notifications)


def _team_leads(deadline: Deadline) -> list[User]:
    leads = User.objects.filter(is_active=True, groups__name=Role.TEAM_LEAD.value)
    team_leads = leads.filter(teams=deadline.case.team_id) if deadline.case.team_id else leads
    return list(team_leads.distinct()) or list(leads.distinct())


def _legal_staff(deadline: Deadline) -> list[User]:
    lawyers = User.objects.filter(is_active=True, groups__name=Role.LEGAL_STAFF.value)
    team = lawyers.filter(teams=deadline.case.team_id) if deadline.case.team_id else lawyers
    return list(team.distinct()) or list(lawyers.distinct())


def _recipients(notification: DeadlineNotification) -> list[str]:
    deadline = notification.deadline
    if notification.stage == NotificationStage.PENALTY:
        people = _legal_staff(deadline)
    elif notification.stage == NotificationStage.WARNING and deadline.case.assignee_id:
        people = [deadline.case.assignee]
    else:  # unassigned, or missed: the team lead answers for it
        people = _team_leads(deadline)
    return [p.email for p in people if p.email]


def _message(notification: DeadlineNotification) -> tuple[str, str]:
    """Subject and body: references and dates only, no personal data."""
    deadline = notification.deadline
    case = deadline.case
    if notification.stage == NotificationStage.PENALTY:
        subject = f"[{case.reference}] Dwangsom loopt: dag {notification.days_before} van 42"
        body = (
            f"Voor zaak {case.reference} is een ingebrekestelling ontvangen en loopt een "
            f"dwangsom (Awb 4:17). Dit is dwangsomdag {notification.days_before}. "
            "Neem zo snel mogelijk een beslissing op het bezwaar.\n"
        )
    elif notification.stage == NotificationStage.MISSED:
        subject = f"[{case.reference}] Termijn verstreken: {deadline.get_kind_display()}"
        body = (
            f"De termijn '{deadline.get_kind_display()}' ({deadline.legal_basis}) van zaak "
            f"{case.reference} is verstreken op {deadline.due_date:%d-%m-%Y}.\n"
            "Wilt u ervoor zorgen dat de zaak vandaag wordt opgepakt?\n"
        )
    else:
        subject = (
            f"[{case.reference}] Nog {notification.days_before} werkdag(en): "
            f"{deadline.get_kind_display()}"
        )
        body = (
            f"De termijn '{deadline.get_kind_display()}' ({deadline.legal_basis}) van zaak "
            f"{case.reference} eindigt op {deadline.due_date:%d-%m-%Y}.\n"
        )
    return subject, body


def deadline_notifications_send(*, limit: int = 500) -> int:
    """Send unsent notifications; each is marked sent in the transaction that sends it."""
    sent = 0
    while sent < limit:
        with transaction.atomic():
            notification = (
                DeadlineNotification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("deadline__case__assignee")
                .filter(sent_at__isnull=True)
                .order_by("created_at", "id")
                .first()
            )
            if notification is None:
                return sent
            recipients = _recipients(notification)
            if recipients:
                subject, body = _message(notification)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
            else:
                logger.warning("Deadline notification %s has no recipient", notification.pk)
            notification.sent_at = timezone.now()
            notification.save(update_fields=["sent_at"])
            sent += 1
    return sent

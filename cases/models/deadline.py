"""Deadlines as data: legal terms and service norms per case, with their history.

A deadline stores the term it follows (``term`` and its ``params``) and recomputes its due
date through the pure term functions in ``cases.legal`` whenever an extension or a
suspension changes the params, so the date shown is always the one the calculator gives.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import AppendOnlyError, Case

# A decree's publication: "Stcrt. 2025, 24713" or "Staatscourant 2025, 24713".
STAATSCOURANT = RegexValidator(
    r"(Stcrt\.|Staatscourant)\s*\d{4},?\s*(nr\.\s*)?\d+",
    _("Name the Staatscourant publication, e.g. Stcrt. 2025, 24713."),
)


class DecreeDay(models.Model):
    """A day equated with a public holiday by royal decree (Atw art. 3(3)), with the
    decree's publication. A year without any is a year whose decree is not entered yet."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    source = models.CharField(
        _("source"),
        max_length=200,
        validators=[STAATSCOURANT],
        help_text=_("Publication of the decree, e.g. Stcrt. 2025, 24713."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("day equated with a holiday (Atw)")
        verbose_name_plural = _("days equated with a holiday (Atw)")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class ClosingDay(models.Model):
    """A day the municipality is closed; counts against service norms only, not the Atw."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("municipal closing day")
        verbose_name_plural = _("municipal closing days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class DeadlineKind(models.TextChoices):
    RECEIPT_CONFIRMATION = "receipt_confirmation", _("receipt confirmation (service norm)")
    FIRST_CONTACT = "first_contact", _("first phone contact (service norm)")
    COMPLAINT_HANDLING = "complaint_handling", _("complaint handling (Awb 9:11)")
    NOT_HANDLED_NOTICE = "not_handled_notice", _("notice of not handling (Awb 9:8)")
    OBJECTION_DECISION = "objection_decision", _("decision on the objection (Awb 7:10)")


class DeadlineState(models.TextChoices):
    RUNNING = "running", _("running")
    SUSPENDED = "suspended", _("suspended")
    MET = "met", _("met")
    MISSED = "missed", _("missed")
    CANCELLED = "cancelled", _("cancelled")


OPEN_DEADLINE_STATES = (DeadlineState.RUNNING, DeadlineState.SUSPENDED)


class Deadline(models.Model):
    """One term running on a case: a legal term or a service norm."""

    # Found by case through deadline_case_state, which starts with it.
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="deadlines", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=40, choices=DeadlineKind.choices)
    is_norm = models.BooleanField(
        _("service norm"), default=False, help_text=_("A municipal norm, not a legal term.")
    )
    term = models.CharField(_("term"), max_length=40)
    params = models.JSONField(_("term parameters"), default=dict)
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    legal_basis = models.CharField(_("legal basis"), max_length=120)
    state = models.CharField(
        _("state"), max_length=12, choices=DeadlineState.choices, default=DeadlineState.RUNNING
    )
    suspended_since = models.DateField(_("suspended since"), null=True, blank=True)
    closed_on = models.DateField(_("met, missed or cancelled on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # The sweep reads only running deadlines by due date: a partial index keeps it
            # proportional to what is due, not to every deadline ever recorded.
            models.Index(
                fields=["due_date", "id"],
                name="deadline_running_due",
                condition=models.Q(state="running"),
            ),
            models.Index(fields=["case", "state"], name="deadline_case_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(state__in=["running", "suspended"]),
                name="one_open_deadline_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind} {self.due_date}"


class DeadlineChangeKind(models.TextChoices):
    STARTED = "started", _("started")
    EXTENDED = "extended", _("extended")
    SUSPENDED = "suspended", _("suspended")
    RESUMED = "resumed", _("resumed")
    MET = "met", _("met")
    MISSED = "missed", _("missed")
    CANCELLED = "cancelled", _("cancelled")


class DeadlineChange(models.Model):
    """History of a deadline: every start, extension, suspension and end, with who and why."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=12, choices=DeadlineChangeKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    # The letter that notified the change (e.g. an extension notice, Awb 9:11(2)); a
    # reference until the letters issue adds Letter records.
    letter_reference = models.CharField(_("notifying letter"), max_length=80, blank=True)
    due_before = models.DateField(null=True, blank=True)
    due_after = models.DateField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")

    def __str__(self) -> str:
        return f"{self.kind} {self.due_before} -> {self.due_after}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Deadline history cannot be changed.")
        super().save(*args, **kwargs)


class NotificationStage(models.TextChoices):
    WARNING = "warning", _("warning before the end")
    MISSED = "missed", _("escalation: term missed")
    PENALTY = "penalty", _("penalty payment accruing (Awb 4:17)")


class DeadlineNotification(models.Model):
    """One warning or escalation; unique per deadline and stage, so it goes out once."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="notifications")
    stage = models.CharField(max_length=12, choices=NotificationStage.choices)
    days_before = models.PositiveSmallIntegerField(default=0)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("deadline notification")
        verbose_name_plural = _("deadline notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "stage", "days_before"], name="one_notification_per_stage"
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}:{self.stage}-{self.days_before}"

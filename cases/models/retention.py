"""How long a closed case is kept, and what stays of it afterwards.

``RetentionRule``: per kind and final status, the years a closed case is kept (the
municipality's selection list; the administrator edits them, the source is named).
``CaseFigures``: one anonymous row per closed case with what the figures and the annual
report count - no name, reference, text or date finer than a day - written when the case
closes (and when a rating or a penalty decision follows), kept when the case is erased,
so the figures do not change when retention removes the file.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.case import CaseKind


class RetentionRule(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    # A final status (e.g. "withdrawn"); blank: every status without a rule of its own.
    status = models.CharField(_("final status"), max_length=30, blank=True)
    years = models.PositiveSmallIntegerField(_("years after closing"))
    source = models.TextField(_("source (selection list, category)"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(fields=["kind", "status"], name="one_rule_per_kind_status")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status or '*'}: {self.years}"


class CaseFigures(models.Model):
    # The case's id, not a key: the row outlives the case (erasure).
    case_id = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)
    team_code = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=30)  # the final status
    judgement = models.CharField(max_length=30, blank=True)  # complaint / objection outcome
    received_on = models.DateField()
    closed_on = models.DateField(db_index=True)
    handling_days = models.PositiveIntegerField()
    # Hours from receipt to the first call that reached the resident; null: none.
    first_contact_hours = models.PositiveIntegerField(null=True)
    # The first-contact norm: met (true), missed (false), not applicable (null).
    first_contact_on_time = models.BooleanField(null=True)
    resolved_informally = models.BooleanField()
    # The legal term for the decision (Awb 9:11, 7:10): met, missed, or none (null).
    decided_on_time = models.BooleanField(null=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    postponements = models.PositiveSmallIntegerField(default=0)
    penalty_paid = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    satisfaction = models.PositiveSmallIntegerField(null=True)
    needs_extra_care = models.BooleanField()

    class Meta:
        verbose_name = _("case figures")
        verbose_name_plural = _("case figures")

    def __str__(self) -> str:
        return f"{self.kind} closed {self.closed_on}"


class ComplaintReportMeasures(models.Model):
    """What the municipality did with the complaints of a year: the annual report's
    section on measures (Awb 9:12a), written by team leads. No personal data."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    text = models.TextField(_("measures taken"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("measures in the annual complaint report")
        verbose_name_plural = _("measures in the annual complaint reports")

    def __str__(self) -> str:
        return str(self.year)

"""The objection workflow (Awb chapters 6 and 7): informal first, correct by construction.

    received             -> admissibility_check   receipt confirmed (6:14)
    admissibility_check  -> repair_requested      incomplete or pro forma: a term to repair
                                                  (6:6); the decision term is suspended
                                                  (7:10(2))
    repair_requested     -> admissibility_check   repaired, or the repair term lapsed
    admissibility_check  -> premature_hold        received before the period started (6:10)
    premature_hold       -> admissibility_check   the period has started
    admissibility_check  -> informal_contact      on time (6:9, computed with the postal
                                                  rule) or late but excusable (6:11), and
                                                  complete (6:5)
    informal_contact     -> formal_handling       not solved by the call
    formal_handling      -> hearing_planned       invited more than 10 days ahead (7:2),
                                                  documents open a week before (7:4)
    hearing_planned      -> heard                 hearing held, report made
    formal_handling,
    hearing_planned      -> heard                 hearing waived on a ground of 7:3
    admissibility_check,
    informal_contact,
    heard                -> decision_drafted      by a handler or lawyer (inadmissible only
                                                  from the admissibility check)
    decision_drafted     -> decided               approved by a second lawyer, never the
                                                  drafter (four eyes)
    decision_drafted     -> (where it was drafted) rejected with comments
    decided              -> closed
    any open state       -> withdrawn             confirmed in writing

Self-loops: a changed primary decision during the informal stage; referral to an advisory
committee (7:13: the term becomes 12 weeks, only once the objector is told); the
committee's advice; postponement once by at most 6 weeks (7:10(3)), further with consent
(7:10(4)), each notified in writing (7:10(5)).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, transition

from cases.models.case import Case, CaseKind


class ObjectionState(models.TextChoices):
    RECEIVED = "received", _("received")
    ADMISSIBILITY_CHECK = "admissibility_check", _("admissibility check")
    REPAIR_REQUESTED = "repair_requested", _("repair requested")
    PREMATURE_HOLD = "premature_hold", _("premature: on hold")
    INFORMAL_CONTACT = "informal_contact", _("informal contact")
    FORMAL_HANDLING = "formal_handling", _("formal handling")
    HEARING_PLANNED = "hearing_planned", _("hearing planned")
    HEARD = "heard", _("heard or hearing waived")
    DECISION_DRAFTED = "decision_drafted", _("decision drafted, in review")
    DECIDED = "decided", _("decided")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


S = ObjectionState
FINAL_STATES = frozenset({S.CLOSED, S.WITHDRAWN})
OPEN_STATES = [state for state in S if state not in FINAL_STATES and state != S.DECIDED]
FORMAL_STATES = [S.FORMAL_HANDLING, S.HEARING_PLANNED, S.HEARD]


class Outcome(models.TextChoices):
    INADMISSIBLE = "inadmissible", _("inadmissible")
    UNFOUNDED = "unfounded", _("unfounded")
    FOUNDED = "founded", _("founded")
    PARTLY_FOUNDED = "partly_founded", _("partly founded")


class Costs(models.TextChoices):
    AWARDED = "awarded", _("costs awarded")
    REFUSED = "refused", _("costs refused")
    NOT_REQUESTED = "not_requested", _("not requested")


class HearingWaivedGround(models.TextChoices):
    MANIFESTLY_INADMISSIBLE = "manifestly_inadmissible", _("manifestly inadmissible (7:3a)")
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("manifestly unfounded (7:3b)")
    WAIVED = "waived", _("the objector waived the hearing (7:3c)")
    NOT_REQUESTED = "not_requested", _("not asked for within the term set (7:3d)")
    GRANTED_IN_FULL = "granted_in_full", _("granted in full, nobody else harmed (7:3e)")


# Awb 7:2 and 7:4: invite more than 10 days ahead; documents open at least a week before.
HEARING_NOTICE_DAYS = 10
INSPECTION_DAYS_BEFORE = 7


def is_complete(case: Case) -> bool:
    """Awb 6:5: signed, with grounds (not pro forma) - name, address and date come with
    the filing, the decision objected to is required there."""
    details = case.objection
    return details.signed and not details.pro_forma and bool(details.grounds.strip())


def committee_not_yet_involved(case: Case) -> bool:
    return not case.objection.with_committee


def committee_involved(case: Case) -> bool:
    return case.objection.with_committee


def not_the_drafter(case: Case, user: object) -> bool:
    """Four eyes: a second lawyer reviews; the drafter can never approve or reject."""
    drafter = case.objection.drafted_by_id
    return (
        getattr(user, "pk", None) is not None
        and user.has_perm("cases.objection_review_decision")
        and drafter is not None
        and drafter != user.pk
    )


class Objection(Case):
    """An objection, with its workflow. Same table as every case (proxy)."""

    class Meta:
        proxy = True
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        permissions = [
            ("objection_confirm_receipt", _("Can confirm receipt of an objection")),
            ("objection_check_admissibility", _("Can decide on admissibility and repair")),
            ("objection_handle_informally", _("Can record informal contact outcomes")),
            ("objection_handle_hearing", _("Can plan, hold or waive a hearing")),
            ("objection_refer_committee", _("Can refer to the advisory committee")),
            ("objection_postpone", _("Can postpone the decision")),
            ("objection_draft_decision", _("Can draft a decision on an objection")),
            ("objection_review_decision", _("Can review a drafted decision (second lawyer)")),
            ("objection_withdraw", _("Can record the withdrawal of an objection")),
            ("objection_record_default", _("Can record a notice of default (Awb 4:17)")),
            ("objection_fix_penalty", _("Can fix the penalty owed by decision (Awb 4:18)")),
        ]

    def save(self, *args, **kwargs) -> None:
        self.kind = CaseKind.OBJECTION
        super().save(*args, **kwargs)

    def _details(self):  # noqa: ANN202
        return self.objection

    @transition(
        field="status",
        source=S.RECEIVED,
        target=S.ADMISSIBILITY_CHECK,
        permission="cases.objection_confirm_receipt",
    )
    def confirm_receipt(self) -> None:
        """Receipt confirmed in writing (6:14)."""
        self._details().receipt_confirmed_at = timezone.now()

    @transition(
        field="status",
        source=S.ADMISSIBILITY_CHECK,
        target=S.REPAIR_REQUESTED,
        permission="cases.objection_check_admissibility",
    )
    def request_repair(self, *, missing: list[str], term_weeks: int = 2) -> None:
        """Give the objector a term to repair what is missing (6:6)."""
        details = self._details()
        today = timezone.localdate()
        details.missing_elements = missing
        details.repair_requested_on = today
        details.repair_due = today + datetime.timedelta(weeks=term_weeks)

    @transition(
        field="status",
        source=S.REPAIR_REQUESTED,
        target=S.ADMISSIBILITY_CHECK,
        permission="cases.objection_check_admissibility",
    )
    def record_repair(self, *, grounds: str = "", signed: bool | None = None) -> None:
        """What was missing came in."""
        details = self._details()
        details.repaired_on = timezone.localdate()
        if grounds:
            details.grounds, details.pro_forma = grounds, False
        if signed is not None:
            details.signed = signed

    @transition(
        field="status",
        source=S.REPAIR_REQUESTED,
        target=S.ADMISSIBILITY_CHECK,
        permission="cases.objection_check_admissibility",
    )
    def repair_lapsed(self) -> None:
        """The repair term expired unused: the objection can be declared inadmissible."""
        details = self._details()
        if details.repair_due and timezone.localdate() <= details.repair_due:
            raise ValidationError({"name": f"The repair term runs until {details.repair_due}."})
        details.repair_lapsed = True

    @transition(
        field="status",
        source=S.ADMISSIBILITY_CHECK,
        target=S.PREMATURE_HOLD,
        permission="cases.objection_check_admissibility",
    )
    def hold_premature(self) -> None:
        """Made before the objection period started (6:10): held until it starts."""

    @transition(
        field="status",
        source=S.PREMATURE_HOLD,
        target=S.ADMISSIBILITY_CHECK,
        permission="cases.objection_check_admissibility",
    )
    def release_premature(self) -> None:
        """The objection period has started."""

    @transition(
        field="status",
        source=S.ADMISSIBILITY_CHECK,
        target=S.INFORMAL_CONTACT,
        conditions=[is_complete],
        permission="cases.objection_check_admissibility",
    )
    def accept(
        self,
        *,
        on_time: bool,
        timeliness: str,
        posted_on: object = None,
        excusable_reason: str = "",
    ) -> None:
        """Admissible: on time (6:9) or late but excusable (6:11), and complete (6:5)."""
        if not on_time and not excusable_reason.strip():
            raise ValidationError(
                {"excusable_reason": "Late (Awb 6:9): say why this is excusable (6:11)."}
            )
        details = self._details()
        details.on_time, details.timeliness = on_time, timeliness
        details.posted_on, details.excusable_reason = posted_on, excusable_reason

    @transition(
        field="status",
        source=S.INFORMAL_CONTACT,
        target=None,
        permission="cases.objection_handle_informally",
    )
    def record_changed_decision(self, *, new_decision_reference: str) -> None:
        """The call led to a changed primary decision; next: withdrawal or a founded
        decision."""
        self._details().changed_decision_reference = new_decision_reference

    @transition(
        field="status",
        source=S.INFORMAL_CONTACT,
        target=S.FORMAL_HANDLING,
        permission="cases.objection_handle_informally",
    )
    def continue_formally(self) -> None:
        """The call did not resolve it: the formal procedure continues."""

    @transition(
        field="status",
        source=S.FORMAL_HANDLING,
        target=S.HEARING_PLANNED,
        permission="cases.objection_handle_hearing",
    )
    def plan_hearing(
        self,
        *,
        at: datetime.datetime,
        location: str,
        inspection_from: datetime.date,
        inspection_place: str,
        invited_on: datetime.date | None = None,
    ) -> None:
        """Invite more than 10 days ahead (7:2); documents open a week before (7:4)."""
        invited_on = invited_on or timezone.localdate()
        hearing_day = timezone.localtime(at).date()
        errors = {}
        if (hearing_day - invited_on).days <= HEARING_NOTICE_DAYS:
            errors["at"] = (
                f"Invite more than {HEARING_NOTICE_DAYS} days ahead (Awb 7:2): invited on "
                f"{invited_on}, so the hearing can be on "
                f"{invited_on + datetime.timedelta(days=HEARING_NOTICE_DAYS + 1)} at the earliest."
            )
        latest = hearing_day - datetime.timedelta(days=INSPECTION_DAYS_BEFORE)
        if inspection_from > latest:
            errors["inspection_from"] = (
                f"Documents must be open for inspection at least a week before the hearing "
                f"(Awb 7:4): from {latest} at the latest."
            )
        if errors:
            raise ValidationError(errors)
        details = self._details()
        details.hearing_at, details.hearing_location = at, location
        details.hearing_invited_on = invited_on
        details.inspection_from, details.inspection_place = inspection_from, inspection_place

    @transition(
        field="status",
        source=S.HEARING_PLANNED,
        target=S.HEARD,
        permission="cases.objection_handle_hearing",
    )
    def hold_hearing(self, *, report: str) -> None:
        """Heard; the report is part of the file."""
        self._details().hearing_report = report

    @transition(
        field="status",
        source=[S.FORMAL_HANDLING, S.HEARING_PLANNED],
        target=S.HEARD,
        permission="cases.objection_handle_hearing",
    )
    def waive_hearing(self, *, ground: str) -> None:
        """No hearing on a ground of 7:3; the decision must say why (7:12)."""
        self._details().hearing_waived_ground = ground

    @transition(
        field="status",
        source=[S.INFORMAL_CONTACT, *FORMAL_STATES],
        target=None,
        conditions=[committee_not_yet_involved],
        permission="cases.objection_refer_committee",
    )
    def refer_committee(self, *, name: str) -> None:
        """The advisory committee advises (7:13); the objector is told, and only then the
        12-week term applies."""
        details = self._details()
        details.with_committee, details.committee_name = True, name

    @transition(
        field="status",
        source=S.HEARD,
        target=None,
        conditions=[committee_involved],
        permission="cases.objection_refer_committee",
    )
    def receive_advice(self, *, advice: str, recommendation: str) -> None:
        """The committee's written advice (7:13(6)) and the outcome it recommends."""
        details = self._details()
        details.committee_advice, details.committee_recommendation = advice, recommendation

    @transition(
        field="status",
        source=[S.INFORMAL_CONTACT, *FORMAL_STATES],
        target=None,
        permission="cases.objection_postpone",
    )
    def postpone(self, *, weeks: int, reason: str, consent: bool = False) -> None:
        """Once by at most 6 weeks (7:10(3)); further with consent (7:10(4))."""
        details = self._details()
        if details.postponements >= 1 and not consent:
            raise ValidationError(
                {"consent": "A further postponement needs the objector's consent (7:10(4))."}
            )
        details.postponements += 1

    @transition(
        field="status",
        source=[S.ADMISSIBILITY_CHECK, S.INFORMAL_CONTACT, S.HEARD],
        target=S.DECISION_DRAFTED,
        permission="cases.objection_draft_decision",
    )
    def draft_decision(
        self,
        *,
        by: object,
        outcome: str,
        reasons: str,
        costs: str,
        new_decision_reference: str = "",
        departs_from_advice_reasons: str = "",
    ) -> None:
        """The decision on the objection (7:11, 7:12), to be reviewed by a second lawyer."""
        details = self._details()
        if self.status == S.ADMISSIBILITY_CHECK and outcome != Outcome.INADMISSIBLE:
            raise ValidationError(
                {"outcome": "From the admissibility check only an inadmissible decision."}
            )
        departs = bool(details.committee_recommendation) and (
            outcome != details.committee_recommendation
        )
        if departs and not departs_from_advice_reasons.strip():
            raise ValidationError(
                {"departs_from_advice_reasons": "Departing from the advice needs reasons."}
            )
        if costs == Costs.AWARDED and not (
            details.costs_reimbursement_requested
            and outcome in (Outcome.FOUNDED, Outcome.PARTLY_FOUNDED)
        ):
            raise ValidationError(
                {
                    "costs": "Costs are reimbursed only when requested before the decision "
                    "and the decision is revoked (Awb 7:15)."
                }
            )
        details.outcome, details.reasons, details.costs = outcome, reasons, costs
        details.new_decision_reference = new_decision_reference
        details.departs_from_advice_reasons = departs_from_advice_reasons
        details.draft_source = self.status
        details.drafted_by, details.drafted_at = by, timezone.now()
        details.reviewed_by, details.review_comments = None, ""

    @transition(
        field="status",
        source=S.DECISION_DRAFTED,
        target=S.DECIDED,
        permission=not_the_drafter,
    )
    def approve_decision(self, *, by: object) -> None:
        """Second lawyer approves: the decision is taken and sent."""
        details = self._details()
        details.reviewed_by, details.decided_at = by, timezone.now()

    @transition(
        field="status",
        source=S.DECISION_DRAFTED,
        target=RETURN_VALUE(S.ADMISSIBILITY_CHECK, S.INFORMAL_CONTACT, S.HEARD),
        permission=not_the_drafter,
    )
    def reject_decision(self, *, by: object, comments: str) -> str:
        """Back to the drafter with comments."""
        details = self._details()
        details.reviewed_by, details.review_comments = by, comments
        return details.draft_source

    @transition(
        field="status",
        source=S.DECIDED,
        target=S.CLOSED,
        permission="cases.objection_draft_decision",
    )
    def close(self) -> None:
        """The decision was sent; the file is closed."""
        self.closed_at = timezone.now()

    @transition(
        field="status",
        source=OPEN_STATES,
        target=S.WITHDRAWN,
        permission="cases.objection_withdraw",
    )
    def withdraw(self, *, reason: str = "") -> None:
        """The objector withdrew the objection (confirmed in writing)."""
        self._details().closing_reason = reason
        self.closed_at = timezone.now()

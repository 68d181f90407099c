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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE
from rest_framework import serializers

from backend.accounts.roles import Role
from backend.api.inputs import (
    InFuture,
    NotInFuture,
    PlausibleDateField,
    PlausibleDateTimeField,
    StrictSerializer,
)
from cases.deadlines import ensure_municipal_day
from cases.legal.terms import OBJECTION_POSTPONEMENT_MAX_WEEKS
from cases.models import Case, CaseKind, PartyRole
from cases.workflows import objection_effects as effects
from cases.workflows.conditions import (
    called_first,
    decision_term_not_expired,
    hearing_has_taken_place,
    reached_in_conversation,
)
from cases.workflows.inputs import (
    CodeOrWords,
    CommitteeInput,
    HearingReportInput,
    WithdrawInput,
)
from cases.workflows.spec import Workflow, condition, guard, step


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


class MissingElement(models.TextChoices):
    """What an objection must hold (Awb 6:5) and may lack; a repair request names these
    by code (the letter prints each in words) or in a person's own words."""

    NAME_AND_ADDRESS = "name_and_address", _("name and address (6:5(1)a)")
    DATE = "date", _("date (6:5(1)b)")
    DECISION = "decision", _("the decision objected to (6:5(1)c)")
    GROUNDS = "grounds", _("grounds (6:5(1)d)")
    SIGNATURE = "signature", _("signature (6:5(1))")
    TRANSLATION = "translation", _("translation (6:5(3))")


class HearingWaivedGround(models.TextChoices):
    MANIFESTLY_INADMISSIBLE = "manifestly_inadmissible", _("manifestly inadmissible (7:3a)")
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("manifestly unfounded (7:3b)")
    WAIVED = "waived", _("the objector waived the hearing (7:3c)")
    NOT_REQUESTED = "not_requested", _("not asked for within the term set (7:3d)")
    GRANTED_IN_FULL = "granted_in_full", _("granted in full, nobody else harmed (7:3e)")


# Legal staff own the procedure (admissibility, review as second lawyer); handlers and
# team leads run the informal call, hearings and drafting too.
HANDLING = frozenset({Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.TEAM_LEAD})
LEGAL = frozenset({Role.LEGAL_STAFF})

# Awb 7:2 and 7:4: invite more than 10 days ahead; documents open at least a week before.
HEARING_NOTICE_DAYS = 10
INSPECTION_DAYS_BEFORE = 7


@condition(
    article="Awb 6:5",
    message=_("The objection is complete: signed, with its grounds (not pro forma)."),
)
def is_complete(case: Case) -> bool:
    """Awb 6:5: signed, with grounds (not pro forma) - name, address and date come with
    the filing, the decision objected to is required there."""
    details = case.objection
    return details.signed and not details.pro_forma and bool(details.grounds.strip())


@condition(article="Awb 7:13", message=_("The advisory committee is not involved yet."))
def committee_not_yet_involved(case: Case) -> bool:
    return not case.objection.with_committee


@condition(article="Awb 7:13", message=_("The advisory committee is involved."))
def committee_involved(case: Case) -> bool:
    return case.objection.with_committee


@condition(article="Awb 7:2", message=_("The hearing has taken place: its time has come."))
def hearing_held(case: Case) -> bool:
    """A hearing is recorded as held only once its planned time has come."""
    return hearing_has_taken_place(case, case.objection.hearing_at)


@guard(
    article="gemeentelijk beleid: vier ogen",
    message=_("A second lawyer reviews the decision: never the one who drafted it."),
)
def not_the_drafter(case: Case, user: object) -> bool:
    """Four eyes: a second lawyer reviews; the drafter can never approve or reject."""
    drafter = case.objection.drafted_by_id
    return getattr(user, "pk", None) is not None and drafter is not None and drafter != user.pk


class RequestRepairInput(StrictSerializer):
    missing = serializers.ListField(
        label=_("What is missing"),
        child=serializers.CharField(max_length=200, validators=[CodeOrWords(MissingElement)]),
        allow_empty=False,
        min_length=1,
        max_length=20,
        help_text=_(
            "What is missing (Awb 6:5): name_and_address, date, decision, grounds, "
            "signature or translation (the letter prints each in words), or words of your "
            "own as the letter should say them."
        ),
    )
    term_weeks = serializers.IntegerField(
        label=_("Repair term in weeks"),
        min_value=1,
        max_value=4,
        default=2,
        help_text=_("The repair term (Awb 6:6)."),
    )


class RecordRepairInput(StrictSerializer):
    repaired_on = PlausibleDateField(
        label=_("Repaired on"),
        validators=[NotInFuture()],
        help_text=_(
            "The day what was missing came in (not the day it is recorded): the decision "
            "term runs again from then (Awb 7:10(2)). Not before the request."
        ),
    )
    grounds = serializers.CharField(
        label=_("Grounds"),
        max_length=20000,
        required=False,
        allow_blank=True,
        help_text=_("The grounds, when they were missing."),
    )
    signed = serializers.BooleanField(
        label=_("Signed"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true when the signature came in."),
    )


class AcceptInput(StrictSerializer):
    posted_on = PlausibleDateField(
        label=_("Posted on"),
        required=False,
        allow_null=True,
        validators=[NotInFuture()],
        help_text=_("Postmark date, for the postal rule (Awb 6:9(2))."),
    )
    excusable_reason = serializers.CharField(
        label=_("Why the lateness is excusable"),
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text=_(
            "Required when the objection is late (timeliness is computed, Awb 6:9): why "
            "the delay is excusable (6:11)."
        ),
    )


class ChangedDecisionInput(StrictSerializer):
    new_decision_reference = serializers.CharField(
        label=_("Reference of the new decision"),
        max_length=80,
        help_text=_("The reference of the changed primary decision."),
    )


class ObjectionPlanHearingInput(StrictSerializer):
    at = PlausibleDateTimeField(
        label=_("Date and time of the hearing"),
        validators=[InFuture()],
        help_text=_(
            "Date and time, on a working day; more than 10 days after the invitation (Awb 7:2)."
        ),
    )
    location = serializers.CharField(
        label=_("Place"), max_length=300, help_text=_("Place or video link.")
    )
    inspection_from = PlausibleDateField(
        label=_("Documents open for inspection from"),
        help_text=_(
            "Documents open for inspection from this day: at least a week before the "
            "hearing (Awb 7:4)."
        ),
    )
    inspection_place = serializers.CharField(label=_("Place of inspection"), max_length=300)
    invited_on = PlausibleDateField(
        label=_("Invitation sent on"),
        required=False,
        validators=[NotInFuture()],
        help_text=_(
            "The day the invitation goes out; default: the day its letter is sent (today, "
            "or the next working day's post)."
        ),
    )


class ObjectionWaiveHearingInput(StrictSerializer):
    ground = serializers.ChoiceField(
        label=_("Ground"),
        choices=HearingWaivedGround.choices,
        help_text=_("The ground of Awb 7:3."),
    )


class AdviceInput(StrictSerializer):
    advice = serializers.CharField(label=_("Advice"), max_length=50000)
    recommendation = serializers.ChoiceField(
        label=_("Recommendation"),
        choices=Outcome.choices,
        help_text=_("The outcome the committee recommends."),
    )


class PostponeInput(StrictSerializer):
    weeks = serializers.IntegerField(label=_("Weeks"), min_value=1, max_value=52)
    reason = serializers.CharField(
        label=_("Reason"),
        max_length=2000,
        help_text=_("Told to the objector in the postponement notice."),
    )
    consent = serializers.BooleanField(
        label=_("Written consent of the objector"),
        default=False,
        help_text=_(
            "The objector consented. The first postponement (at most 6 weeks, Awb 7:10(3)) "
            "needs none; every further one does (7:10(4))."
        ),
    )
    interested_parties_consent = serializers.BooleanField(
        label=_("Consent of the interested parties"),
        default=False,
        help_text=_(
            "For a further postponement when the case has interested parties: they "
            "consented, or are not harmed by it (Awb 7:10(4))."
        ),
    )
    statutory_ground = serializers.CharField(
        label=_("Statutory ground"),
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_(
            "Instead of consent: the statutory rule that makes the further postponement "
            "necessary (Awb 7:10(4))."
        ),
    )


class DraftDecisionInput(StrictSerializer):
    outcome = serializers.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        help_text=_("From the admissibility check only inadmissible."),
    )
    reasons = serializers.CharField(label=_("Reasons"), max_length=50000)
    costs = serializers.ChoiceField(
        label=_("Costs"),
        choices=Costs.choices,
        help_text=_(
            "awarded only when reimbursement was requested and the decision is revoked "
            "(founded or partly founded, Awb 7:15)."
        ),
    )
    new_decision_reference = serializers.CharField(
        label=_("Reference of the new decision"), max_length=80, required=False, allow_blank=True
    )
    departs_from_advice_reasons = serializers.CharField(
        label=_("Why the decision departs from the advice"),
        max_length=20000,
        required=False,
        allow_blank=True,
        help_text=_("Required when the outcome departs from the committee's recommendation."),
    )


class RejectDecisionInput(StrictSerializer):
    comments = serializers.CharField(
        label=_("Comments"), max_length=20000, help_text=_("For the drafter.")
    )


class Objection(Case):
    """An objection, with its workflow. Same table as every case (proxy)."""

    class Meta:
        proxy = True
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        permissions = [
            ("objection_record_default", _("Can record a notice of default (Awb 4:17)")),
            ("objection_fix_penalty", _("Can fix the penalty owed by decision (Awb 4:18)")),
        ]

    def save(self, *args, **kwargs) -> None:
        self.kind = CaseKind.OBJECTION
        super().save(*args, **kwargs)

    def _details(self):  # noqa: ANN202
        return self.objection

    @step(
        S.RECEIVED,
        S.ADMISSIBILITY_CHECK,
        label=_("Confirm receipt"),
        roles=HANDLING,
        effect=effects.confirm_receipt,
    )
    def confirm_receipt(self) -> None:
        """Receipt confirmed in writing (6:14)."""
        self._details().receipt_confirmed_at = timezone.now()

    @step(
        S.ADMISSIBILITY_CHECK,
        S.REPAIR_REQUESTED,
        label=_("Ask for repair"),
        roles=LEGAL,
        input=RequestRepairInput,
        prepare=effects.prepare_request_repair,
        effect=effects.request_repair,
    )
    def request_repair(
        self,
        *,
        missing: list[str],
        requested_on: datetime.date,
        repair_due: datetime.date,
        term_weeks: int = 2,
    ) -> None:
        """Give the objector a term to repair what is missing (6:6), from the day the
        request goes out to a working day; the decision term is suspended meanwhile
        (7:10(2))."""
        details = self._details()
        details.missing_elements = missing
        details.repair_requested_on = requested_on
        details.repair_due = repair_due

    @step(
        S.REPAIR_REQUESTED,
        S.ADMISSIBILITY_CHECK,
        label=_("Record the repair"),
        roles=LEGAL,
        input=RecordRepairInput,
        effect=effects.record_repair,
    )
    def record_repair(
        self, *, repaired_on: datetime.date, grounds: str = "", signed: bool | None = None
    ) -> None:
        """What was missing came in on ``repaired_on``; the decision term runs again from
        that day, not from the day it is recorded."""
        details = self._details()
        requested = details.repair_requested_on
        if requested is not None and repaired_on < requested:
            raise ValidationError(
                {
                    "repaired_on": gettext(
                        "The repair cannot come before it was asked for (%(requested)s)."
                    )
                    % {"requested": requested.isoformat()}
                }
            )
        details.repaired_on = repaired_on
        if grounds:
            details.grounds, details.pro_forma = grounds, False
        if signed is not None:
            details.signed = signed

    @step(
        S.REPAIR_REQUESTED,
        S.ADMISSIBILITY_CHECK,
        label=_("Repair term lapsed"),
        roles=LEGAL,
        effect=effects.repair_lapsed,
    )
    def repair_lapsed(self) -> None:
        """The repair term expired unused: the objection can be declared inadmissible."""
        details = self._details()
        if details.repair_due and timezone.localdate() <= details.repair_due:
            raise ValidationError(
                {
                    "name": gettext("The repair term runs until %(due)s.")
                    % {"due": details.repair_due.isoformat()}
                }
            )
        details.repair_lapsed = True

    @step(
        S.ADMISSIBILITY_CHECK,
        S.PREMATURE_HOLD,
        label=_("Hold: made too early"),
        roles=LEGAL,
    )
    def hold_premature(self) -> None:
        """Made before the objection period started (6:10): held until it starts."""

    @step(
        S.PREMATURE_HOLD,
        S.ADMISSIBILITY_CHECK,
        label=_("Release: the period started"),
        roles=LEGAL,
    )
    def release_premature(self) -> None:
        """The objection period has started."""

    @step(
        S.ADMISSIBILITY_CHECK,
        S.INFORMAL_CONTACT,
        label=_("Accept as admissible"),
        roles=LEGAL,
        input=AcceptInput,
        conditions=(is_complete,),
        prepare=effects.prepare_accept,
        effect=effects.accept,
    )
    def accept(
        self,
        *,
        on_time: bool,
        timeliness: str,
        posted_on: object = None,
        excusable_reason: str = "",
    ) -> None:
        """Admissible: on time (6:9, computed with the postal rule) or late but excusable
        (6:11), and complete (6:5). Next: the phone call."""
        if not on_time and not excusable_reason.strip():
            raise ValidationError(
                {"excusable_reason": _("Late (Awb 6:9): say why this is excusable (6:11).")}
            )
        details = self._details()
        details.on_time, details.timeliness = on_time, timeliness
        details.posted_on, details.excusable_reason = posted_on, excusable_reason

    @step(
        S.INFORMAL_CONTACT,
        None,
        label=_("Record a changed decision"),
        roles=HANDLING,
        input=ChangedDecisionInput,
        conditions=(reached_in_conversation,),
        effect=effects.informal_contact_confirmation,
    )
    def record_changed_decision(self, *, new_decision_reference: str) -> None:
        """The call led to a changed primary decision; next: withdrawal or a founded
        decision."""
        self._details().changed_decision_reference = new_decision_reference

    @step(
        S.INFORMAL_CONTACT,
        S.FORMAL_HANDLING,
        label=_("Continue formally"),
        roles=HANDLING,
        conditions=(called_first,),
        effect=effects.informal_contact_confirmation,
    )
    def continue_formally(self) -> None:
        """The call did not resolve it, or the calls did not get through: the formal
        procedure continues."""

    @step(
        S.FORMAL_HANDLING,
        S.HEARING_PLANNED,
        label=_("Plan the hearing"),
        roles=HANDLING,
        input=ObjectionPlanHearingInput,
        prepare=effects.prepare_plan_hearing,
        effect=effects.plan_hearing,
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
        invited_on = invited_on or timezone.localdate()  # the invitation's day (prepare)
        hearing_day = timezone.localtime(at).date()
        ensure_municipal_day("at", hearing_day)
        errors = {}
        if (hearing_day - invited_on).days <= HEARING_NOTICE_DAYS:
            errors["at"] = gettext(
                "Invite more than %(days)d days ahead (Awb 7:2): invited on %(invited)s, so "
                "the hearing can be on %(earliest)s at the earliest."
            ) % {
                "days": HEARING_NOTICE_DAYS,
                "invited": invited_on.isoformat(),
                "earliest": (
                    invited_on + datetime.timedelta(days=HEARING_NOTICE_DAYS + 1)
                ).isoformat(),
            }
        latest = hearing_day - datetime.timedelta(days=INSPECTION_DAYS_BEFORE)
        if inspection_from > latest:
            errors["inspection_from"] = gettext(
                "Documents must be open for inspection at least a week before the hearing "
                "(Awb 7:4): from %(latest)s at the latest."
            ) % {"latest": latest.isoformat()}
        if errors:
            raise ValidationError(errors)
        details = self._details()
        details.hearing_at, details.hearing_location = at, location
        details.hearing_invited_on = invited_on
        details.inspection_from, details.inspection_place = inspection_from, inspection_place

    @step(
        S.HEARING_PLANNED,
        S.HEARD,
        label=_("Record the hearing"),
        roles=HANDLING,
        input=HearingReportInput,
        conditions=(hearing_held,),
    )
    def hold_hearing(self, *, report: str) -> None:
        """Heard; the report is part of the file."""
        self._details().hearing_report = report

    @step(
        [S.FORMAL_HANDLING, S.HEARING_PLANNED],
        S.HEARD,
        label=_("Waive the hearing"),
        roles=HANDLING,
        input=ObjectionWaiveHearingInput,
    )
    def waive_hearing(self, *, ground: str) -> None:
        """No hearing on a ground of 7:3; the decision must say why (7:12)."""
        self._details().hearing_waived_ground = ground

    @step(
        [S.INFORMAL_CONTACT, *FORMAL_STATES],
        None,
        label=_("Refer to the advisory committee"),
        roles=HANDLING,
        input=CommitteeInput,
        conditions=(committee_not_yet_involved, decision_term_not_expired),
        effect=effects.refer_committee,
    )
    def refer_committee(self, *, name: str) -> None:
        """The advisory committee advises (7:13); the objector is told, and only then the
        12-week term applies."""
        details = self._details()
        details.with_committee, details.committee_name = True, name

    @step(
        S.HEARD,
        None,
        label=_("Record the committee's advice"),
        roles=HANDLING,
        input=AdviceInput,
        conditions=(committee_involved,),
    )
    def receive_advice(self, *, advice: str, recommendation: str) -> None:
        """The committee's written advice (7:13(6)) and the outcome it recommends."""
        details = self._details()
        details.committee_advice, details.committee_recommendation = advice, recommendation

    @step(
        [S.INFORMAL_CONTACT, *FORMAL_STATES],
        None,
        label=_("Postpone the decision"),
        roles=HANDLING,
        input=PostponeInput,
        conditions=(decision_term_not_expired,),
        effect=effects.postpone,
    )
    def postpone(
        self,
        *,
        weeks: int,
        reason: str,
        consent: bool = False,
        interested_parties_consent: bool = False,
        statutory_ground: str = "",
    ) -> None:
        """Once by at most 6 weeks (7:10(3)); further only with the objector's consent and
        that of the interested parties (or where they are not harmed), or where a statutory
        rule requires it (7:10(4)); the objector is told in writing (7:10(5))."""
        details = self._details()
        further = details.postponements >= 1 or weeks > OBJECTION_POSTPONEMENT_MAX_WEEKS
        if further and not statutory_ground.strip():
            if not consent:
                field = "consent" if details.postponements >= 1 else "weeks"
                raise ValidationError(
                    {
                        field: gettext(
                            "A postponement beyond the first %(max)d weeks needs the "
                            "objector's consent, or a statutory ground (Awb 7:10(3), (4))."
                        )
                        % {"max": OBJECTION_POSTPONEMENT_MAX_WEEKS}
                    }
                )
            interested = any(p.role == PartyRole.INTERESTED_PARTY for p in self.parties.all())
            if interested and not interested_parties_consent:
                raise ValidationError(
                    {
                        "interested_parties_consent": gettext(
                            "This objection has interested parties: a further postponement "
                            "needs their consent, or that they are not harmed by it "
                            "(Awb 7:10(4))."
                        )
                    }
                )
        details.postponements += 1

    @step(
        [S.ADMISSIBILITY_CHECK, S.INFORMAL_CONTACT, S.HEARD],
        S.DECISION_DRAFTED,
        label=_("Draft the decision"),
        roles=HANDLING,
        input=DraftDecisionInput,
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
                {"outcome": _("From the admissibility check only an inadmissible decision.")}
            )
        departs = bool(details.committee_recommendation) and (
            outcome != details.committee_recommendation
        )
        if departs and not departs_from_advice_reasons.strip():
            raise ValidationError(
                {"departs_from_advice_reasons": _("Departing from the advice needs reasons.")}
            )
        if costs == Costs.AWARDED and not (
            details.costs_reimbursement_requested
            and outcome in (Outcome.FOUNDED, Outcome.PARTLY_FOUNDED)
        ):
            raise ValidationError(
                {
                    "costs": _(
                        "Costs are reimbursed only when requested before the decision and "
                        "the decision is revoked (Awb 7:15)."
                    )
                }
            )
        details.outcome, details.reasons, details.costs = outcome, reasons, costs
        details.new_decision_reference = new_decision_reference
        details.departs_from_advice_reasons = departs_from_advice_reasons
        details.draft_source = self.status
        details.drafted_by, details.drafted_at = by, timezone.now()
        details.reviewed_by, details.review_comments = None, ""

    @step(
        S.DECISION_DRAFTED,
        S.DECIDED,
        label=_("Approve the decision"),
        roles=LEGAL,
        guard=not_the_drafter,
        effect=effects.approve_decision,
    )
    def approve_decision(self, *, by: object) -> None:
        """A second lawyer approves: the decision is taken and sent."""
        details = self._details()
        details.reviewed_by, details.decided_at = by, timezone.now()

    @step(
        S.DECISION_DRAFTED,
        RETURN_VALUE(S.ADMISSIBILITY_CHECK, S.INFORMAL_CONTACT, S.HEARD),
        label=_("Send the draft back"),
        roles=LEGAL,
        input=RejectDecisionInput,
        guard=not_the_drafter,
    )
    def reject_decision(self, *, by: object, comments: str) -> str:
        """Back to the drafter with comments, to the stage it was drafted in."""
        details = self._details()
        details.reviewed_by, details.review_comments = by, comments
        return details.draft_source

    @step(
        S.DECIDED,
        S.CLOSED,
        label=_("Close the file"),
        roles=HANDLING,
        effect=effects.close,
    )
    def close(self) -> None:
        """The decision was sent; the file is closed."""
        self.closed_at = timezone.now()

    @step(
        OPEN_STATES,
        S.WITHDRAWN,
        label=_("Record the withdrawal"),
        roles=HANDLING,
        input=WithdrawInput,
        effect=effects.withdraw,
    )
    def withdraw(self, *, reason: str = "") -> None:
        """The objector withdrew the objection (confirmed in writing)."""
        self._details().closing_reason = reason
        self.closed_at = timezone.now()


WORKFLOW = Workflow(
    kind=CaseKind.OBJECTION,
    proxy=Objection,
    states=ObjectionState,
    final_states=FINAL_STATES,
    details="objection",
    collection="objections",
    title=_("objection"),
)

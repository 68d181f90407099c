"""The complaint workflow (Awb title 9.1), phone first.

States and the reason each move is allowed:

    received          -> awaiting_contact     receipt confirmed in writing (9:6)
    awaiting_contact  -> written_contact      N calls failed at different times of day
    awaiting_contact,
    written_contact   -> formal_handling      not solved informally; the handler was not
                                              involved in the conduct (9:7); the person
                                              complained about gets a copy (9:9)
    formal_handling   -> hearing_planned      hearing offered to both (9:10)
    hearing_planned   -> hearing_done         hearing held, report made (9:10)
    formal_handling,
    hearing_planned   -> hearing_done         hearing waived on a legal ground (9:10(2))
    hearing_done      -> closed               outcome with findings, judgement and the
                                              ombudsman (9:12)
    any open state    -> resolved_informally  solved to the complainant's satisfaction
                                              (9:5), confirmed in writing
    received .. written_contact -> not_handled  one of the grounds of 9:8
    received .. written_contact -> forwarded    not ours: sent to the competent body
    any open state    -> withdrawn            the complainant withdrew it

Self-loops while formal: an advisory committee (the term becomes 10 weeks, 9:11(1)) and
an extension of the term (once by at most 4 weeks, 9:11(2); longer with written consent).

Transitions change the row only (here: status and the complaint's own data); conditions
have no side effects. Deadlines, letters (outbox) and timeline entries are written by
``effects`` in the same transaction, through the services.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.accounts.roles import Role
from backend.api.inputs import InFuture, NotInFuture, PlausibleDateTimeField, StrictSerializer
from cases.deadlines import ensure_municipal_day
from cases.legal.terms import COMPLAINT_POSTPONEMENT_MAX_WEEKS
from cases.models import Case, CaseKind, ContactMomentChannel
from cases.workflows import complaint_effects as effects
from cases.workflows.conditions import (
    failed_attempts_at_different_times,
    handling_term_not_expired,
    hearing_has_taken_place,
)
from cases.workflows.inputs import CommitteeInput, HearingReportInput, WithdrawInput
from cases.workflows.spec import Workflow, condition, guard, step


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("received")
    AWAITING_CONTACT = "awaiting_contact", _("awaiting phone contact")
    WRITTEN_CONTACT = "written_contact", _("contact in writing")
    FORMAL_HANDLING = "formal_handling", _("formal handling")
    HEARING_PLANNED = "hearing_planned", _("hearing planned")
    HEARING_DONE = "hearing_done", _("heard or hearing waived")
    RESOLVED_INFORMALLY = "resolved_informally", _("resolved informally")
    CLOSED = "closed", _("closed with an outcome")
    NOT_HANDLED = "not_handled", _("not handled (Awb 9:8)")
    FORWARDED = "forwarded", _("forwarded")
    WITHDRAWN = "withdrawn", _("withdrawn")


S = ComplaintState
FINAL_STATES = frozenset({S.RESOLVED_INFORMALLY, S.CLOSED, S.NOT_HANDLED, S.FORWARDED, S.WITHDRAWN})
OPEN_STATES = [state for state in S if state not in FINAL_STATES]
EARLY_STATES = [S.RECEIVED, S.AWAITING_CONTACT, S.WRITTEN_CONTACT]
FORMAL_STATES = [S.FORMAL_HANDLING, S.HEARING_PLANNED, S.HEARING_DONE]


class HearingWaivedGround(models.TextChoices):
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("the complaint is manifestly unfounded")
    WAIVED = "waived", _("the complainant waived the hearing")
    NOT_REQUESTED = "not_requested", _("not asked for within the term set")


class Judgement(models.TextChoices):
    FOUNDED = "founded", _("founded")
    PARTLY_FOUNDED = "partly_founded", _("partly founded")
    UNFOUNDED = "unfounded", _("unfounded")
    NO_JUDGEMENT = "no_judgement", _("no judgement")


class NotHandledGround(models.TextChoices):
    ALREADY_HANDLED = "already_handled", _("the same conduct was handled before (9:8(1)a)")
    OLDER_THAN_A_YEAR = "older_than_a_year", _("more than a year ago (9:8(1)b)")
    OBJECTION_POSSIBLE = "objection_possible", _("objection or appeal is or was open (9:8(1)c)")
    BEFORE_COURT = "before_court", _("pending before a court (9:8(1)e)")
    CRIMINAL_INVESTIGATION = "criminal_investigation", _("criminal investigation (9:8(1)f)")
    INSUFFICIENT_INTEREST = "insufficient_interest", _("insufficient interest or weight (9:8(2))")


# Complaints are handled by complaint handlers and their team leads; Awb 9:7 is checked
# per case (never the person complained about).
HANDLERS = frozenset({Role.CASE_HANDLER, Role.TEAM_LEAD})


@condition(
    article="Awb 9:7",
    message=_("The complaint is assigned to a handler who is not the person complained about."),
)
def handler_not_involved(case: Case) -> bool:
    """Awb 9:7: a handler, and not the person whose conduct is complained about."""
    details = getattr(case, "complaint", None)
    if case.assignee_id is None:
        return False
    return details is None or details.employee_id != case.assignee_id


@guard(
    article="Awb 9:7",
    message=_(
        "You are the person complained about: you take no step, log no contact and add no "
        "note on this complaint."
    ),
)
def not_the_person_complained_about(case: Case, user: object) -> bool:
    """Awb 9:7: the person whose conduct is complained about does not handle it, in any
    role and on every step, not only by assignment."""
    details = getattr(case, "complaint", None)
    return details is None or details.employee_id is None or details.employee_id != user.pk


@condition(article="Awb 9:10", message=_("The hearing has taken place: its time has come."))
def hearing_held(case: Case) -> bool:
    """A hearing is recorded as held only once its planned time has come."""
    return hearing_has_taken_place(case, case.complaint.hearing_at)


@condition(article="Awb 9:11(1)", message=_("No advisory committee is involved yet."))
def committee_not_yet_involved(case: Case) -> bool:
    return not case.complaint.with_committee


class ResolveInformallyInput(StrictSerializer):
    solution = serializers.CharField(
        label=_("What was agreed"), max_length=5000, help_text=_("What was agreed.")
    )
    confirmed_via = serializers.ChoiceField(
        label=_("Confirmed by"),
        choices=ContactMomentChannel.choices,
        help_text=_("How the complainant said they are satisfied (Awb 9:5)."),
    )
    confirmed_at = PlausibleDateTimeField(
        label=_("Confirmed on"),
        validators=[NotInFuture()],
        help_text=_("When they said so; not in the future."),
    )


class ComplaintPlanHearingInput(StrictSerializer):
    at = PlausibleDateTimeField(
        label=_("Date and time of the hearing"),
        validators=[InFuture()],
        help_text=_("Date and time of the hearing, in the future."),
    )
    location = serializers.CharField(
        label=_("Place"), max_length=300, help_text=_("Place or video link.")
    )


class ComplaintWaiveHearingInput(StrictSerializer):
    ground = serializers.ChoiceField(
        label=_("Ground"),
        choices=HearingWaivedGround.choices,
        help_text=_("The ground of Awb 9:10(2)."),
    )


class ExtendTermInput(StrictSerializer):
    weeks = serializers.IntegerField(label=_("Weeks"), min_value=1, max_value=52)
    reason = serializers.CharField(
        label=_("Reason"),
        max_length=2000,
        help_text=_("Told to both sides in the extension notice."),
    )
    consent = serializers.BooleanField(
        label=_("Written consent of the complainant"),
        default=False,
        help_text=_(
            "The complainant consented in writing. The first extension is at most 4 weeks "
            "without consent (Awb 9:11(2)); every further one needs it."
        ),
    )


class RecordOutcomeInput(StrictSerializer):
    findings = serializers.CharField(label=_("Findings"), max_length=20000)
    judgement = serializers.ChoiceField(label=_("Judgement"), choices=Judgement.choices)
    conclusions = serializers.CharField(label=_("Conclusions"), max_length=20000)
    measures = serializers.CharField(
        label=_("Measures"), max_length=20000, required=False, allow_blank=True
    )


class NotHandleInput(StrictSerializer):
    ground = serializers.ChoiceField(
        label=_("Ground"), choices=NotHandledGround.choices, help_text=_("The ground of Awb 9:8.")
    )
    explanation = serializers.CharField(
        label=_("Explanation"),
        max_length=5000,
        help_text=_("The ground in plain words, for the letter."),
    )


class ForwardInput(StrictSerializer):
    to = serializers.CharField(
        label=_("Forward to"), max_length=200, help_text=_("The competent body.")
    )
    reason = serializers.CharField(label=_("Reason"), max_length=2000)


class Complaint(Case):
    """A complaint, with its workflow. Same table as every case (proxy)."""

    class Meta:
        proxy = True
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def save(self, *args, **kwargs) -> None:
        self.kind = CaseKind.COMPLAINT
        super().save(*args, **kwargs)

    def _details(self):  # noqa: ANN202
        return self.complaint

    def _close(self, reason: str = "") -> None:
        self.closed_at = timezone.now()
        if reason:
            self._details().closing_reason = reason

    @step(
        S.RECEIVED,
        S.AWAITING_CONTACT,
        label=_("Confirm receipt"),
        roles=HANDLERS,
        effect=effects.confirm_receipt,
    )
    def confirm_receipt(self) -> None:
        """Receipt confirmed in writing (9:6); now call within the service norm."""
        self._details().receipt_confirmed_at = timezone.now()

    @step(
        S.AWAITING_CONTACT,
        S.WRITTEN_CONTACT,
        label=_("Continue in writing"),
        roles=HANDLERS,
        conditions=(failed_attempts_at_different_times,),
    )
    def offer_written_contact(self) -> None:
        """The phone did not work out: continue in writing."""

    @step(
        OPEN_STATES,
        S.RESOLVED_INFORMALLY,
        label=_("Resolve informally"),
        roles=HANDLERS,
        input=ResolveInformallyInput,
        effect=effects.resolve_informally,
    )
    def resolve_informally(
        self, *, solution: str, confirmed_via: str, confirmed_at: object
    ) -> None:
        """Solved to the complainant's satisfaction (9:5): the formal procedure lapses.
        The solution is confirmed in writing."""
        details = self._details()
        details.informal_solution = solution
        details.satisfaction_confirmed_via = confirmed_via
        details.satisfaction_confirmed_at = confirmed_at
        self._close()

    @step(
        [S.AWAITING_CONTACT, S.WRITTEN_CONTACT],
        S.FORMAL_HANDLING,
        label=_("Start formal handling"),
        roles=HANDLERS,
        conditions=(handler_not_involved,),
        effect=effects.start_formal_handling,
    )
    def start_formal_handling(self) -> None:
        """Not solved informally: formal handling by an uninvolved handler (9:7); the
        person complained about gets a copy of the complaint (9:9)."""

    @step(
        S.FORMAL_HANDLING,
        S.HEARING_PLANNED,
        label=_("Plan the hearing"),
        roles=HANDLERS,
        input=ComplaintPlanHearingInput,
        effect=effects.plan_hearing,
    )
    def plan_hearing(self, *, at: datetime.datetime, location: str) -> None:
        """Both the complainant and the person complained about are invited (9:10), on a
        working day."""
        ensure_municipal_day("at", timezone.localtime(at).date())
        details = self._details()
        details.hearing_at, details.hearing_location = at, location

    @step(
        S.HEARING_PLANNED,
        S.HEARING_DONE,
        label=_("Record the hearing"),
        roles=HANDLERS,
        input=HearingReportInput,
        conditions=(hearing_held,),
    )
    def hold_hearing(self, *, report: str) -> None:
        """The hearing took place; its report is part of the file (9:10(3))."""
        self._details().hearing_report = report

    @step(
        [S.FORMAL_HANDLING, S.HEARING_PLANNED],
        S.HEARING_DONE,
        label=_("Waive the hearing"),
        roles=HANDLERS,
        input=ComplaintWaiveHearingInput,
    )
    def waive_hearing(self, *, ground: str) -> None:
        """No hearing, on a ground of 9:10(2)."""
        self._details().hearing_waived_ground = ground

    @step(
        FORMAL_STATES,
        None,
        label=_("Involve an advisory committee"),
        roles=HANDLERS,
        input=CommitteeInput,
        conditions=(committee_not_yet_involved, handling_term_not_expired),
        effect=effects.involve_committee,
    )
    def involve_committee(self, *, name: str) -> None:
        """An advisory person or committee (section 9.1.3): the term becomes 10 weeks."""
        details = self._details()
        details.with_committee, details.committee_name = True, name

    @step(
        FORMAL_STATES,
        None,
        label=_("Extend the term"),
        roles=HANDLERS,
        input=ExtendTermInput,
        conditions=(handling_term_not_expired,),
        effect=effects.extend_term,
    )
    def extend_term(self, *, weeks: int, reason: str, consent: bool = False) -> None:
        """Postpone once by at most 4 weeks (9:11(2)); longer, or again, only with the
        complainant's written consent. Both sides are told the new date."""
        details = self._details()
        if details.extensions >= 1 and not consent:
            raise ValidationError(
                {"consent": _("A second extension needs the complainant's written consent.")}
            )
        if weeks > COMPLAINT_POSTPONEMENT_MAX_WEEKS and not consent:
            raise ValidationError(
                {
                    "weeks": gettext(
                        "At most %(max)d weeks without the complainant's written consent "
                        "(Awb 9:11(2))."
                    )
                    % {"max": COMPLAINT_POSTPONEMENT_MAX_WEEKS}
                }
            )
        details.extensions += 1

    @step(
        S.HEARING_DONE,
        S.CLOSED,
        label=_("Record the outcome"),
        roles=HANDLERS,
        input=RecordOutcomeInput,
        effect=effects.record_outcome,
    )
    def record_outcome(
        self, *, findings: str, judgement: str, conclusions: str, measures: str = ""
    ) -> None:
        """The written outcome (9:12) names the ombudsman and the one-year term."""
        details = self._details()
        details.findings, details.judgement = findings, judgement
        details.conclusions, details.measures = conclusions, measures
        self._close()

    @step(
        EARLY_STATES,
        S.NOT_HANDLED,
        label=_("Do not handle"),
        roles=HANDLERS,
        input=NotHandleInput,
        effect=effects.not_handle,
    )
    def not_handle(self, *, ground: str, explanation: str) -> None:
        """Not handled on a ground of 9:8, told in writing within 4 weeks of receipt."""
        self._details().not_handled_ground = ground
        self._close(explanation)

    @step(
        EARLY_STATES,
        S.FORWARDED,
        label=_("Forward"),
        roles=HANDLERS,
        input=ForwardInput,
        effect=effects.forward,
    )
    def forward(self, *, to: str, reason: str) -> None:
        """Not ours: forwarded to the competent body (recorded to whom and when)."""
        details = self._details()
        details.forwarded_to, details.forwarded_at = to, timezone.now()
        self._close(reason)

    @step(
        OPEN_STATES,
        S.WITHDRAWN,
        label=_("Record the withdrawal"),
        roles=HANDLERS,
        input=WithdrawInput,
        effect=effects.withdraw,
    )
    def withdraw(self, *, reason: str = "") -> None:
        """The complainant withdrew the complaint."""
        self._close(reason)


WORKFLOW = Workflow(
    kind=CaseKind.COMPLAINT,
    proxy=Complaint,
    states=ComplaintState,
    final_states=FINAL_STATES,
    details="complaint",
    collection="complaints",
    title=_("complaint"),
    guards=(not_the_person_complained_about,),
)

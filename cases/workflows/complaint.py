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

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition

from cases.models.case import Case, CaseKind, ContactOutcome


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


def failed_attempts_at_different_times(case: Case) -> bool:
    """Enough failed calls, each at another time of day, to switch to writing."""
    failed = [
        moment
        for moment in case.contact_moments.all()
        if moment.channel == "phone" and moment.outcome != ContactOutcome.REACHED
    ]
    return len({moment.daypart for moment in failed}) >= settings.COMPLAINT_FAILED_CALLS


def handler_not_involved(case: Case) -> bool:
    """Awb 9:7: a handler, and not the person whose conduct is complained about."""
    details = getattr(case, "complaint", None)
    if case.assignee_id is None:
        return False
    return details is None or details.employee_id != case.assignee_id


def committee_not_yet_involved(case: Case) -> bool:
    return not case.complaint.with_committee


class Complaint(Case):
    """A complaint, with its workflow. Same table as every case (proxy)."""

    class Meta:
        proxy = True
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [
            ("complaint_confirm_receipt", _("Can confirm receipt of a complaint")),
            ("complaint_offer_written_contact", _("Can switch a complaint to written contact")),
            ("complaint_resolve_informally", _("Can record an informal resolution")),
            ("complaint_start_formal_handling", _("Can start formal complaint handling")),
            ("complaint_plan_hearing", _("Can plan a hearing")),
            ("complaint_hold_hearing", _("Can record a held hearing")),
            ("complaint_waive_hearing", _("Can waive a hearing")),
            ("complaint_involve_committee", _("Can involve an advisory committee")),
            ("complaint_extend_term", _("Can extend the complaint handling term")),
            ("complaint_record_outcome", _("Can record the outcome of a complaint")),
            ("complaint_not_handle", _("Can decide not to handle a complaint")),
            ("complaint_forward", _("Can forward a complaint")),
            ("complaint_withdraw", _("Can record the withdrawal of a complaint")),
        ]

    def save(self, *args, **kwargs) -> None:
        self.kind = CaseKind.COMPLAINT
        super().save(*args, **kwargs)

    def _details(self):  # noqa: ANN202
        return self.complaint

    def _close(self, reason: str = "") -> None:
        self.closed_at = timezone.now()
        if reason:
            self._details().closing_reason = reason

    @transition(
        field="status",
        source=S.RECEIVED,
        target=S.AWAITING_CONTACT,
        permission="cases.complaint_confirm_receipt",
    )
    def confirm_receipt(self) -> None:
        """Receipt confirmed in writing (9:6); now call within the service norm."""
        self._details().receipt_confirmed_at = timezone.now()

    @transition(
        field="status",
        source=S.AWAITING_CONTACT,
        target=S.WRITTEN_CONTACT,
        conditions=[failed_attempts_at_different_times],
        permission="cases.complaint_offer_written_contact",
    )
    def offer_written_contact(self) -> None:
        """The phone did not work out: continue in writing."""

    @transition(
        field="status",
        source=OPEN_STATES,
        target=S.RESOLVED_INFORMALLY,
        permission="cases.complaint_resolve_informally",
    )
    def resolve_informally(
        self, *, solution: str, confirmed_via: str, confirmed_at: object
    ) -> None:
        """Solved to the complainant's satisfaction (9:5): the formal procedure lapses."""
        details = self._details()
        details.informal_solution = solution
        details.satisfaction_confirmed_via = confirmed_via
        details.satisfaction_confirmed_at = confirmed_at
        self._close()

    @transition(
        field="status",
        source=[S.AWAITING_CONTACT, S.WRITTEN_CONTACT],
        target=S.FORMAL_HANDLING,
        conditions=[handler_not_involved],
        permission="cases.complaint_start_formal_handling",
    )
    def start_formal_handling(self) -> None:
        """Not solved informally: formal handling by an uninvolved handler (9:7)."""

    @transition(
        field="status",
        source=S.FORMAL_HANDLING,
        target=S.HEARING_PLANNED,
        permission="cases.complaint_plan_hearing",
    )
    def plan_hearing(self, *, at: object, location: str) -> None:
        """Both the complainant and the person complained about are invited (9:10)."""
        details = self._details()
        details.hearing_at, details.hearing_location = at, location

    @transition(
        field="status",
        source=S.HEARING_PLANNED,
        target=S.HEARING_DONE,
        permission="cases.complaint_hold_hearing",
    )
    def hold_hearing(self, *, report: str) -> None:
        """The hearing took place; its report is part of the file (9:10(3))."""
        self._details().hearing_report = report

    @transition(
        field="status",
        source=[S.FORMAL_HANDLING, S.HEARING_PLANNED],
        target=S.HEARING_DONE,
        permission="cases.complaint_waive_hearing",
    )
    def waive_hearing(self, *, ground: str) -> None:
        """No hearing, on a ground of 9:10(2)."""
        self._details().hearing_waived_ground = ground

    @transition(
        field="status",
        source=FORMAL_STATES,
        target=None,
        conditions=[committee_not_yet_involved],
        permission="cases.complaint_involve_committee",
    )
    def involve_committee(self, *, name: str) -> None:
        """An advisory person or committee (section 9.1.3): the term becomes 10 weeks."""
        details = self._details()
        details.with_committee, details.committee_name = True, name

    @transition(
        field="status",
        source=FORMAL_STATES,
        target=None,
        permission="cases.complaint_extend_term",
    )
    def extend_term(self, *, weeks: int, reason: str, consent: bool = False) -> None:
        """Postpone once by at most 4 weeks (9:11(2)); again only with written consent."""
        details = self._details()
        if details.extensions >= 1 and not consent:
            raise ValidationError(
                {"consent": "A second extension needs the complainant's written consent."}
            )
        details.extensions += 1

    @transition(
        field="status",
        source=S.HEARING_DONE,
        target=S.CLOSED,
        permission="cases.complaint_record_outcome",
    )
    def record_outcome(
        self, *, findings: str, judgement: str, conclusions: str, measures: str = ""
    ) -> None:
        """The written outcome (9:12) names the ombudsman and the one-year term."""
        details = self._details()
        details.findings, details.judgement = findings, judgement
        details.conclusions, details.measures = conclusions, measures
        self._close()

    @transition(
        field="status",
        source=EARLY_STATES,
        target=S.NOT_HANDLED,
        permission="cases.complaint_not_handle",
    )
    def not_handle(self, *, ground: str, explanation: str) -> None:
        """Not handled on a ground of 9:8, told in writing within 4 weeks of receipt."""
        self._details().not_handled_ground = ground
        self._close(explanation)

    @transition(
        field="status",
        source=EARLY_STATES,
        target=S.FORWARDED,
        permission="cases.complaint_forward",
    )
    def forward(self, *, to: str, reason: str) -> None:
        """Not ours: forwarded to the competent body (recorded to whom and when)."""
        details = self._details()
        details.forwarded_to, details.forwarded_at = to, timezone.now()
        self._close(reason)

    @transition(
        field="status",
        source=OPEN_STATES,
        target=S.WITHDRAWN,
        permission="cases.complaint_withdraw",
    )
    def withdraw(self, *, reason: str = "") -> None:
        """The complainant withdrew the complaint."""
        self._close(reason)

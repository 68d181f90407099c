"""Legal staff's inbox: the open objections by the stage of the procedure, each stage one
filter on what the person may see (``selectors.case_visible_to``).

"To review" is the four-eyes inbox: drafted decisions waiting for a second lawyer, never
the person's own drafts (the ``not_the_drafter`` guard of the approve and reject steps
says the same in the workflow).
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from cases.models import Case, CaseKind
from cases.selectors import case_visible_to
from cases.workflows.objection import ObjectionState as S


@dataclass(frozen=True)
class Stage:
    code: str
    label: Promise
    statuses: tuple[str, ...]
    # Beyond the status: what else tells the stage (committee advice awaited or not).
    extra: Q | None = None
    # The four-eyes inbox leaves out what the person drafted themselves.
    not_own_drafts: bool = False

    def filter(self, user: User) -> Q:
        found = Q(status__in=self.statuses)
        if self.extra is not None:
            found &= self.extra
        if self.not_own_drafts:
            found &= ~Q(objection__drafted_by=user)
        return found


_AWAITING_ADVICE = Q(objection__with_committee=True, objection__committee_advice="")

STAGES: tuple[Stage, ...] = (
    Stage("admissibility", _("Admissibility"), (S.RECEIVED, S.ADMISSIBILITY_CHECK)),
    Stage("repair", _("Repair running"), (S.REPAIR_REQUESTED, S.PREMATURE_HOLD)),
    Stage("informal", _("Informal contact"), (S.INFORMAL_CONTACT,)),
    Stage("hearing", _("Hearing to plan or planned"), (S.FORMAL_HANDLING, S.HEARING_PLANNED)),
    Stage("committee", _("Waiting for the committee"), (S.HEARD,), extra=_AWAITING_ADVICE),
    Stage("drafting", _("Decision to draft"), (S.HEARD,), extra=~_AWAITING_ADVICE),
    Stage("review", _("To review (four eyes)"), (S.DECISION_DRAFTED,), not_own_drafts=True),
)
STAGE_BY_CODE = {stage.code: stage for stage in STAGES}


def _open_objections(user: User) -> QuerySet[Case]:
    return case_visible_to(user).filter(kind=CaseKind.OBJECTION, closed_at__isnull=True)


def stage_counts(user: User) -> dict[str, int]:
    """How many objections each stage holds for this person (one statement)."""
    counts = _open_objections(user).aggregate(
        **{stage.code: Count("pk", filter=stage.filter(user)) for stage in STAGES}
    )
    return {code: counts[code] or 0 for code in STAGE_BY_CODE}


def stage_cases(user: User, stage: Stage, limit: int = 200) -> list[Case]:
    """The stage's objections, soonest due first."""
    return list(
        _open_objections(user)
        .filter(stage.filter(user))
        .select_related("objection", "assignee", "team", "objection__drafted_by")
        .order_by("queue_due_date", "received_at", "pk")[:limit]
    )

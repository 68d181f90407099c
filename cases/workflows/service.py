"""Taking a workflow step: the one way a case changes state.

Checks in the order a caller can act on: a step this kind knows (400), a role that may
take it (403), a rule about the person for every step of the kind (Awb 9:7, 403), a state
that allows it now (409, with the steps that are allowed), a rule about the person where
the law adds one to a step (four eyes, 403), its conditions (409, naming each condition
that fails and its article). Then runs it under a row lock - so the same step sent twice
at once runs once and the other gets 409 - and writes the timeline entry and the step's
effects in the same transaction.
"""

import copy
import inspect
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from backend.accounts.models import User
from backend.domain import DomainConflict, as_json_value
from backend.outbox.services import outbox_publish_new
from cases import events
from cases.figures import figures_refresh
from cases.models import Case, CaseEvent, EventKind
from cases.selectors import rows_written_cached
from cases.workflows.person_rules import case_write_check, failed_guard
from cases.workflows.registry import WORKFLOWS
from cases.workflows.spec import Step, Workflow


class Taker(StrEnum):
    """Who takes a step: staff by their role, or - for a few steps, without a role - the
    filer on their own case or the service itself."""

    STAFF = "staff"
    FILER = "filer"
    SYSTEM = "system"


# Steps taken without a staff role. The filer withdraws their own complaint or objection
# at any time (with an account, or with the case's tracking link - then ``by`` is None);
# the service confirms receipt of a digital filing itself (``AUTO_RECEIPT_CHANNELS``).
STEPS_WITHOUT_ROLE = {
    Taker.FILER: frozenset({"withdraw"}),
    Taker.SYSTEM: frozenset({"confirm_receipt"}),
}


def workflow_of(kind: str) -> Workflow:
    workflow = WORKFLOWS.get(kind)
    if workflow is None:
        raise DomainConflict(gettext("This kind of case has no workflow."))
    return workflow


def step_names(kind: str) -> list[str]:
    """Every step a case kind has, in declaration order."""
    workflow = WORKFLOWS.get(kind)
    return list(workflow.steps) if workflow is not None else []


def as_workflow(case: Case, *, lock: bool = False) -> Case:
    """The case as its kind's proxy, with the kind's own data and contact moments loaded.

    A case read for its page (``selectors.case_detail``) or just filed holds all that
    already: it is used as it is, not read again. Otherwise the case is read fresh; with
    ``lock``, always, its row locked until the transaction ends (the lock and the read
    are one statement, so what is read is what the step changes).
    """
    workflow = workflow_of(case.kind)
    if not lock:
        rows_written_cached(case)  # a case just filed: what the filing wrote
    prefetched = getattr(case, "_prefetched_objects_cache", {})
    if (
        not lock
        and "contact_moments" in prefetched
        and "deadlines" in prefetched
        and case._state.fields_cache.get(workflow.details) is not None
    ):
        proxied = copy.copy(case)
        proxied.__class__ = workflow.proxy  # a proxy shares the model's fields and state
        return proxied
    cases = workflow.proxy.objects.select_related(workflow.details).prefetch_related(
        "contact_moments", "deadlines"
    )
    if lock:
        cases = cases.select_for_update(of=("self",))  # the case's row, not its details'
    return cases.get(pk=case.pk)


def steps_available(case: Case, user: User) -> list[Step]:
    """The steps this user may take on this case now, in declaration order."""
    workflow = WORKFLOWS.get(case.kind)
    if workflow is None or not user.is_authenticated:
        return []
    proxied = case if isinstance(case, workflow.proxy) else as_workflow(case)
    if failed_guard(workflow, proxied, user) is not None:
        return []
    names = {t.name for t in proxied.get_available_user_status_transitions(user)}
    return [each for name, each in workflow.steps.items() if name in names]


def _failed_conditions(workflow: Workflow, case: Case, name: str) -> list[dict[str, str]]:
    transition = next(t for t in workflow.transitions if t.name == name and _leaves(t, case))
    return [
        {"name": c.name, "article": c.article, "detail": str(c.message)}
        for c in transition.conditions
        if not c(case)
    ]


def _leaves(transition: Any, case: Case) -> bool:
    return str(transition.source) == str(case.status)


def steps_open_to(taker: Taker, case: Case) -> list[str]:
    """The steps ``taker`` takes without a role that the case's state allows now."""
    workflow = workflow_of(case.kind)
    return sorted(
        name
        for name in STEPS_WITHOUT_ROLE.get(taker, ())
        if name in workflow.steps and str(case.status) in workflow.sources(name)
    )


def _without_role_check(taker: Taker, case: Case, name: str, by: User | None) -> None:
    if name not in STEPS_WITHOUT_ROLE[taker]:
        raise PermissionDenied(gettext("Only staff take this step."))
    if taker == Taker.FILER and by is not None and case.registered_by_id != by.pk:
        raise PermissionDenied(gettext("Only whoever filed the case takes this step."))
    if taker == Taker.SYSTEM and by is not None:
        raise PermissionDenied(gettext("Only staff take this step."))


def step_check(*, case: Case, name: str, by: User | None, taken_as: Taker = Taker.STAFF) -> None:
    """Raise the error a caller should see for this step now, if any (400, 403, 409).

    ``taken_as``: staff by their role (``by``), or the filer or the service for the steps
    they take without one (``STEPS_WITHOUT_ROLE``); the filer's ``by`` is their account,
    or None when the tracking link proved who it is; the service's is None.
    """
    workflow = workflow_of(case.kind)
    spec = workflow.steps.get(name)
    if spec is None:
        raise ValidationError(
            {
                "name": gettext("Unknown step. Steps of a %(kind)s: %(steps)s.")
                % {"kind": case.kind, "steps": ", ".join(workflow.steps)}
            }
        )
    if taken_as != Taker.STAFF:
        _without_role_check(taken_as, case, name, by)
    elif by is None or not by.has_perm(workflow.permission(name)):
        raise PermissionDenied(gettext("Your role cannot take this step."))
    proxied = as_workflow(case)
    if taken_as == Taker.STAFF:
        case_write_check(case=proxied, by=by)

    def available() -> list[str]:  # only for a refusal: it evaluates every step's conditions
        if taken_as != Taker.STAFF:
            return steps_open_to(taken_as, proxied)
        return [each.name for each in steps_available(proxied, by)]

    if str(proxied.status) not in workflow.sources(name):
        raise DomainConflict(
            gettext("The step %(step)s is not possible now (status %(status)s).")
            % {"step": name, "status": proxied.status},
            case_status=proxied.status,
            available_transitions=available(),
        )
    if spec.guard is not None and (by is None or not spec.guard(proxied, by)):
        raise PermissionDenied(f"{spec.guard.message} ({spec.guard.article})")
    failed = _failed_conditions(workflow, proxied, name)
    if failed:
        raise DomainConflict(
            gettext("The step %(step)s is not possible yet: %(conditions)s")
            % {
                "step": name,
                "conditions": " ".join(f"{c['detail']} ({c['article']})" for c in failed),
            },
            case_status=proxied.status,
            failed_conditions=failed,
            available_transitions=available(),
        )


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {key: as_json_value(value) for key, value in data.items()}


@transaction.atomic
def case_transition(
    *,
    case: Case,
    name: str,
    data: dict[str, Any],
    by: User | None,
    taken_as: Taker = Taker.STAFF,
) -> Case:
    """Take one workflow step with its (validated) data, on the case read once, locked.
    ``taken_as``: see ``step_check``."""
    proxied = as_workflow(case, lock=True)
    step_check(case=proxied, name=name, by=by, taken_as=taken_as)
    workflow = workflow_of(case.kind)
    spec = workflow.steps[name]
    before = proxied.status
    if spec.prepare is not None:
        data = spec.prepare(proxied, data)
    method = getattr(proxied, name)
    arguments = dict(data)
    if "by" in inspect.signature(method).parameters:
        arguments["by"] = by  # steps that record who took them (four eyes)
    method(**arguments)
    proxied.save()
    getattr(proxied, workflow.details).save()
    event = CaseEvent.objects.create(
        case=proxied,
        kind=EventKind.TRANSITION,
        actor=by,
        data={
            "step": name,
            "status": {"before": before, "after": proxied.status},
            **({f"by_{taken_as}": True} if taken_as != Taker.STAFF else {}),
            **_jsonable(data),
        },
    )
    outbox_publish_new([events.case_step_taken(proxied, event)])
    if spec.effect is not None:
        spec.effect(proxied, data, by, event)
    if proxied.closed_at is not None:
        figures_refresh(proxied)  # the anonymous figures of a case that closed
    return proxied

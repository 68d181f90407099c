"""Running a workflow step by name: the one way a case changes state.

Checks in the order a caller can act on: a step this kind knows (400), a role that may
take it (403), a state that allows it now (409, with the steps that are allowed), then
runs it under a row lock - so the same step sent twice at once runs once and the other
gets 409 - and writes the timeline entry and the step's effects in the same transaction.
"""

import datetime
import inspect
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import can_proceed

from backend.accounts.models import User
from backend.domain import DomainConflict
from cases.models import Case, CaseEvent, CaseKind, EventKind
from cases.workflows import objection_effects
from cases.workflows.complaint import Complaint
from cases.workflows.complaint_effects import EFFECTS as COMPLAINT_EFFECTS
from cases.workflows.objection import Objection

PROXIES: dict[str, type[Case]] = {CaseKind.COMPLAINT: Complaint, CaseKind.OBJECTION: Objection}
EFFECTS = {CaseKind.COMPLAINT: COMPLAINT_EFFECTS, CaseKind.OBJECTION: objection_effects.EFFECTS}
PREPARE = {CaseKind.OBJECTION: objection_effects.PREPARE}
DETAILS = {CaseKind.COMPLAINT: "complaint", CaseKind.OBJECTION: "objection"}


def step_names(kind: str) -> list[str]:
    """Every step a case kind has, in declaration order."""
    proxy = PROXIES.get(kind)
    if proxy is None:
        return []
    names: list[str] = []
    for transition in proxy._meta.get_field("status").get_all_transitions(proxy):
        if transition.name not in names:
            names.append(transition.name)
    return names


def as_workflow(case: Case) -> Case:
    """The case as its kind's proxy, with the kind's own data loaded."""
    proxy = PROXIES.get(case.kind)
    if proxy is None:
        raise DomainConflict("This kind of case has no workflow yet.")
    related = ["complaint"] if case.kind == CaseKind.COMPLAINT else []
    return (
        proxy.objects.select_related(*related).prefetch_related("contact_moments").get(pk=case.pk)
    )


def steps_available(case: Case, user: User) -> list[str]:
    """The steps this user may take on this case now."""
    if case.kind not in PROXIES or not user.is_authenticated:
        return []
    workflow = case if isinstance(case, PROXIES[case.kind]) else as_workflow(case)
    names: list[str] = []
    for transition in workflow.get_available_user_status_transitions(user):
        if transition.name not in names:
            names.append(transition.name)
    return names


def step_check(*, case: Case, name: str, by: User) -> None:
    """Raise the error a caller should see for this step now, if any (400, 403, 409)."""
    known = step_names(case.kind)
    if name not in known:
        raise ValidationError(
            {"name": f"Unknown step. Steps of a {case.kind}: {', '.join(known)}."}
        )
    workflow = as_workflow(case)
    transitions = [
        t
        for t in workflow._meta.get_field("status").get_all_transitions(type(workflow))
        if t.name == name
    ]
    # A permission may be a rule about the case too (four eyes: not the drafter).
    if not any(t.has_perm(workflow, by) for t in transitions):
        raise PermissionDenied("Your role cannot take this step on this case.")
    if not can_proceed(getattr(workflow, name)):
        raise DomainConflict(
            f"The step {name} is not possible now (status {workflow.status}).",
            status=workflow.status,
            available_transitions=steps_available(workflow, by),
        )


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value
        for key, value in data.items()
    }


@transaction.atomic
def case_transition(*, case: Case, name: str, data: dict[str, Any], by: User) -> Case:
    """Take one workflow step with its (validated) data."""
    Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).first()
    step_check(case=case, name=name, by=by)
    workflow = as_workflow(case)
    before = workflow.status
    prepare = PREPARE.get(workflow.kind, {}).get(name)
    if prepare is not None:
        data = prepare(workflow, data)
    method = getattr(workflow, name)
    arguments = dict(data)
    if "by" in inspect.signature(method).parameters:
        arguments["by"] = by  # steps that record who took them (four eyes)
    method(**arguments)
    workflow.save()
    getattr(workflow, DETAILS[workflow.kind]).save()
    event = CaseEvent.objects.create(
        case=workflow,
        kind=EventKind.TRANSITION,
        actor=by,
        data={
            "step": name,
            "status": {"before": before, "after": workflow.status},
            **_jsonable(data),
        },
    )
    effect = EFFECTS[workflow.kind].get(name)
    if effect is not None:
        effect(workflow, data, by, event)
    return workflow

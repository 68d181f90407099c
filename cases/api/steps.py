"""One API operation per workflow step, derived from the workflow specs.

``POST /complaints/{reference}/steps/resolve-informally`` takes that step with its own
input, described by its own request schema in the OpenAPI document; the case detail's
``availableTransitions`` links each step the caller may take now to its operation.

Why one operation per step rather than one ``/transitions`` operation with a body that is
a ``oneOf`` on ``name``: the two kinds share step names with different inputs
(``plan_hearing``, ``waive_hearing``), so a discriminator on ``name`` alone cannot tell
them apart; an operation per step also documents its own callers, conditions and errors,
and a generated client gets one typed method per step.
"""

from typing import Any

from django.urls import URLPattern, path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.problems import problem_responses
from backend.api.views import ServiceView
from cases import scopes
from cases.api import access
from cases.api.serializers import CaseDetailSerializer
from cases.api.step_links import operation_id
from cases.api.views import case_detail_response
from cases.workflows import service
from cases.workflows.registry import WORKFLOWS
from cases.workflows.spec import Step, Workflow, in_language

REFERENCE = OpenApiParameter(
    "reference",
    str,
    OpenApiParameter.PATH,
    description="The case reference, e.g. KL-2026-000123 (complaint) or BZ-2026-000045.",
)


class CanTakeSteps(BasePermission):
    """Handling staff; which steps each role may take is checked per step."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.view_queue")


def step_input(step: Step, data: Any) -> dict[str, Any]:
    """The step's input, validated (400 naming each field)."""
    body = step.input(data=data if data is not None else {})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class StepView(ServiceView):
    """Takes one step of one workflow; subclassed per step by ``step_views``."""

    required_scopes = scopes.WRITE_POST
    permission_classes = [IsAuthenticated, CanTakeSteps]
    workflow: Workflow
    step: Step

    def take(self, request: Request, reference: str) -> Response:
        case = access.visible_case_page(request, reference, kind=self.workflow.kind)
        service.step_check(case=case, name=self.step.name, by=request.user)
        data = step_input(self.step, request.data)
        service.case_transition(case=case, name=self.step.name, data=data, by=request.user)
        return case_detail_response(request, reference)


def _states(states: list[str]) -> str:
    return ", ".join(f"`{state}`" for state in states)


def step_description(workflow: Workflow, step: Step) -> str:
    """What the OpenAPI document says of a step: derived from its declaration."""
    roles = ", ".join(sorted(role.value for role in step.roles))
    lines = [
        step.description,
        "",
        f"**From** {_states(workflow.sources(step.name))} **to** "
        f"{_states(workflow.targets(step.name))}.",
        "",
        f"**Who may call it:** {roles}.",
    ]
    if step.guard is not None:
        lines.append(
            f"Also: {in_language(step.guard.message, 'en')} ({step.guard.article}); 403 otherwise."
        )
    if step.conditions:
        lines += ["", "**Conditions** (409 naming the one that fails):"]
        lines += [
            f"- `{c.name}`: {in_language(c.message, 'en')} ({c.article})" for c in step.conditions
        ]
    lines += [
        "",
        f"Dutch label: *{in_language(step.label, 'nl')}*. Answers with the case as "
        "`GET /cases/{reference}` shows it; 404 when the caller may not see the case or it "
        f"is not a {workflow.kind}; 409 when the case's state does not allow the step now "
        "(`availableTransitions` lists what does).",
    ]
    return "\n".join(lines)


def step_view(workflow: Workflow, step: Step) -> type[StepView]:
    def post(self: StepView, request: Request, reference: str) -> Response:
        return self.take(request, reference)

    post = extend_schema(
        operation_id=operation_id(workflow, step),
        summary=in_language(step.label, "en"),
        description=step_description(workflow, step),
        parameters=[REFERENCE],
        request=step.input if step.takes_input else None,
        responses={200: CaseDetailSerializer, **problem_responses(400, 401, 403, 404, 409)},
        tags=[f"{workflow.kind} steps"],
    )(post)
    name = f"{operation_id(workflow, step)[0].upper()}{operation_id(workflow, step)[1:]}View"
    return type(name, (StepView,), {"workflow": workflow, "step": step, "post": post})


def step_urlpatterns() -> list[URLPattern]:
    return [
        path(
            f"{workflow.collection}/<str:reference>/steps/{step.slug}",
            step_view(workflow, step).as_view(),
            name=f"{workflow.kind}-step-{step.slug}",
        )
        for workflow in WORKFLOWS.values()
        for step in workflow.steps.values()
    ]

"""How the case detail offers each step the caller may take now: its code, labels, and
a link to its own operation and request schema (see ``cases.api.steps``)."""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from rest_framework import serializers

from cases.workflows.spec import Step, Workflow


def operation_id(workflow: Workflow, step: Step) -> str:
    return workflow.kind + "".join(part.title() for part in step.name.split("_"))


# Stands in for the reference while a path is reversed once: a value the path's converter
# takes and that nothing else in a path can contain.
_SLOT = "REFERENCE-SLOT"


def step_href(workflow: Workflow, step: Step, reference: str) -> str:
    """The step's path for this case."""
    return case_path(f"{workflow.kind}-step-{step.slug}", reference)


def case_path(name: str, reference: str) -> str:
    """``reverse(name, kwargs={"reference": reference})``: reversed once per URL name (and
    script prefix), the reference filled in as ``reverse`` would quote it."""
    if "/" in reference:  # no path takes it: reverse says so
        return reverse(name, kwargs={"reference": reference})
    return _path_with_slot(name, get_script_prefix()).replace(
        _SLOT, quote(reference, safe=RFC3986_SUBDELIMS + "/~:@")
    )


@functools.lru_cache(maxsize=256)
def _path_with_slot(name: str, _prefix: str) -> str:
    return reverse(name, kwargs={"reference": _SLOT})


def input_schema_name(step: Step) -> str | None:
    """The step's request schema in the OpenAPI document (``components/schemas``)."""
    if not step.takes_input:
        return None
    name = step.input.__name__.removesuffix("Serializer")
    return f"{name}Request"


class StepLabelSerializer(serializers.Serializer):
    nl = serializers.CharField()
    en = serializers.CharField()


class AvailableStepSerializer(serializers.Serializer):
    """A step the caller may take now, and how."""

    name = serializers.CharField(help_text="The step's code, e.g. resolve_informally.")
    label = StepLabelSerializer(help_text="What to show on a button.")
    method = serializers.ChoiceField(choices=["POST"])
    href = serializers.CharField(help_text="Where to send it (the step's own operation).")
    operation_id = serializers.CharField(help_text="That operation in the OpenAPI document.")
    input_schema = serializers.CharField(
        allow_null=True,
        help_text="Its request body in the OpenAPI document (components/schemas); "
        "null when the step takes no data.",
    )


def available_steps(workflow: Workflow, steps: list[Step], reference: str) -> list[dict]:
    return [
        {
            "name": step.name,
            "label": step.labels(),
            "method": "POST",
            "href": step_href(workflow, step, reference),
            "operation_id": operation_id(workflow, step),
            "input_schema": (
                f"#/components/schemas/{input_schema_name(step)}" if step.takes_input else None
            ),
        }
        for step in steps
    ]

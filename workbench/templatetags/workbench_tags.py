"""Template filters for what the API's data holds: codes read as labels, ISO dates and
moments read as a person reads them."""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases.workflows.registry import WORKFLOWS
from workbench.labels import label as label_of

register = template.Library()


@register.filter
def label(code: object, group: str) -> str:
    """``{{ moment.outcome|label:"outcome" }}``"""
    return label_of(group, code)


@register.filter
def day(value: object) -> str:
    """An ISO date (or date) as "30 november 2026"."""
    if isinstance(value, str):
        value = parse_date(value) or parse_datetime(value)
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    return "" if value is None else str(value)


@register.filter
def moment(value: object) -> str:
    """An ISO moment (or datetime) as "30 november 2026 14:05", in the municipality's
    time."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "j F Y H:i")
    return "" if value is None else str(value)


@register.filter
def step_label(step: object, kind: str) -> str:
    """A workflow step's code as its label: ``{{ event.data.step|step_label:case.kind }}``."""
    workflow = WORKFLOWS.get(kind)
    found = workflow.steps.get(str(step)) if workflow is not None else None
    return str(found.label) if found is not None else str(step)

"""A form for each workflow step, generated from the step's declared input (the same
serializer that validates it in the API, ``Step.input``): its fields, their labels and
help in the active language, their limits, and the errors of a submitted form.

Nothing is declared twice: a new step, or a new field on a step, appears in the
workbench as it appears in the OpenAPI document.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.workflows.spec import Step

TEXTAREA_FROM = 300  # characters: a longer text gets a text area


@dataclass
class FormField:
    name: str
    label: str
    help: str
    # text, textarea, select, yesno, checkbox, checkboxes, lines, number, date, datetime
    widget: str
    required: bool
    value: Any = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"field-{self.name}"


def _widget(each: serializers.Field) -> str:
    if isinstance(each, serializers.ListField):
        child = each.child
        return "checkboxes" if isinstance(child, serializers.ChoiceField) else "lines"
    if isinstance(each, serializers.BooleanField):
        # A yes/no that may be left as it is (null: "unchanged") is a choice of three: a
        # check box would say "no" for every box left empty.
        return "yesno" if each.allow_null else "checkbox"
    if isinstance(each, serializers.ChoiceField):
        return "select"
    if isinstance(each, serializers.IntegerField):
        return "number"
    if isinstance(each, serializers.DateTimeField):
        return "datetime"
    if isinstance(each, serializers.DateField):
        return "date"
    max_length = getattr(each, "max_length", None)
    return "textarea" if max_length is None or max_length > TEXTAREA_FROM else "text"


def _choices(each: serializers.Field) -> list[tuple[str, str]]:
    if isinstance(each, serializers.BooleanField):
        return [("true", str(_("yes"))), ("false", str(_("no")))]
    source = each.child if isinstance(each, serializers.ListField) else each
    return [(str(key), str(text)) for key, text in getattr(source, "choices", {}).items()]


def _initial(each: serializers.Field) -> Any:
    default = each.default
    if default is serializers.empty:
        return None
    return default() if callable(default) else default


def step_fields(
    step: Step, submitted: QueryDict | None = None, errors: dict[str, list[str]] | None = None
) -> list[FormField]:
    """The step's form: one field per declared input, with what was submitted and its
    errors when the form comes back."""
    found = []
    for name, each in step.input().fields.items():
        if each.read_only:
            continue
        widget = _widget(each)
        if submitted is None:
            value = _initial(each)
        elif widget in ("checkboxes",):
            value = submitted.getlist(name)
        else:
            value = submitted.get(name)
        found.append(
            FormField(
                name=name,
                label=str(each.label or name.replace("_", " ").capitalize()),
                help=str(each.help_text or ""),
                widget=widget,
                required=bool(each.required),
                value=value,
                choices=_choices(each),
                min=getattr(each, "min_value", None),
                max=getattr(each, "max_value", None),
                max_length=getattr(each, "max_length", None),
                errors=(errors or {}).get(name, []),
            )
        )
    return found


def step_data(step: Step, submitted: QueryDict) -> dict[str, Any]:
    """What a submitted form says, as the step's input takes it (the JSON the API would
    get): empty optional fields left out, check boxes as booleans, lines as a list."""
    data: dict[str, Any] = {}
    for name, each in step.input().fields.items():
        widget = _widget(each)
        if widget == "checkbox":
            data[name] = submitted.get(name) == "on"
            continue
        if widget == "checkboxes":
            data[name] = submitted.getlist(name)
            continue
        raw = submitted.get(name, "")
        if widget == "lines":
            data[name] = [line.strip() for line in raw.splitlines() if line.strip()]
            continue
        if raw.strip() == "" and not each.required:
            continue
        # A browser's datetime-local has no offset: the input makes it the municipality's
        # time (DRF's enforce_timezone), as it does for an API caller who sends none.
        data[name] = raw
    return data

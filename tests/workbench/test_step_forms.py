"""Step forms are generated from each step's declared input: every field appears with its
own Dutch label, a form sends what the API would be sent, and a yes/no that may stay as it
is is not turned into "no" by an empty check box."""

import pytest
from django.http import QueryDict
from django.utils import translation

from cases.workflows.registry import WORKFLOWS
from workbench.step_forms import step_data, step_fields

STEPS = [(w.kind, s) for w in WORKFLOWS.values() for s in w.steps.values() if s.takes_input]


@pytest.mark.parametrize(("kind", "step"), STEPS, ids=[f"{k}-{s.name}" for k, s in STEPS])
def test_every_input_field_has_a_field_with_a_dutch_label(kind, step):
    declared = {name for name, each in step.input().fields.items() if not each.read_only}
    with translation.override("nl"):
        fields = step_fields(step)
    assert {f.name for f in fields} == declared
    for found in fields:
        declared_label = step.input().fields[found.name]._kwargs.get("label")
        assert declared_label is not None, found.name  # not DRF's made-up "Confirmed via"
        with translation.override("en"):
            assert found.label != str(declared_label), found.name  # translated


@pytest.mark.parametrize(("kind", "step"), STEPS, ids=[f"{k}-{s.name}" for k, s in STEPS])
def test_an_empty_form_sends_no_value_for_optional_fields(kind, step):
    data = step_data(step, QueryDict(""))
    for name, each in step.input().fields.items():
        if each.required:
            continue
        if name in data:
            # Only check boxes (false: unchecked) and lists (empty) send a value.
            assert data[name] in (False, []), name


def test_a_yes_no_that_may_stay_unchanged_is_a_choice_of_three():
    step = WORKFLOWS["objection"].steps["record_repair"]
    [signed] = [f for f in step_fields(step) if f.name == "signed"]
    assert signed.widget == "yesno"
    assert "signed" not in step_data(step, QueryDict("repaired_on=2025-04-01"))
    assert step_data(step, QueryDict("signed=true"))["signed"] == "true"


def test_a_plain_yes_no_is_a_check_box():
    step = WORKFLOWS["complaint"].steps["extend_term"]
    [consent] = [f for f in step_fields(step) if f.name == "consent"]
    assert consent.widget == "checkbox"
    assert step_data(step, QueryDict("consent=on"))["consent"] is True
    assert step_data(step, QueryDict(""))["consent"] is False


def test_a_list_of_texts_is_one_per_line():
    step = WORKFLOWS["objection"].steps["request_repair"]
    data = step_data(step, QueryDict("missing=gronden%0D%0Ahandtekening%0D%0A"))
    assert data["missing"] == ["gronden", "handtekening"]

"""A step's link is what ``reverse`` gives, though the path is reversed once per step."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.api.step_links import case_path, step_href
from cases.workflows.registry import WORKFLOWS

STEPS = [(workflow, step) for workflow in WORKFLOWS.values() for step in workflow.steps.values()]


def _reversed(workflow, step, reference: str) -> str:
    return reverse(f"{workflow.kind}-step-{step.slug}", kwargs={"reference": reference})


@settings(max_examples=200, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=len(STEPS) - 1),
    reference=st.text(min_size=1, max_size=30).filter(lambda text: "/" not in text),
)
def test_the_link_is_the_reversed_path_for_any_reference(index, reference):
    workflow, step = STEPS[index]
    assert step_href(workflow, step, reference) == _reversed(workflow, step, reference)


def test_every_step_of_a_real_reference():
    for workflow, step in STEPS:
        href = step_href(workflow, step, "KL-2026-000042")
        assert href == _reversed(workflow, step, "KL-2026-000042")
        assert "KL-2026-000042" in href


def test_a_reference_no_path_takes_is_refused_as_reverse_refuses_it():
    workflow, step = STEPS[0]
    with pytest.raises(NoReverseMatch):
        step_href(workflow, step, "KL/2026")


def test_the_script_prefix_of_the_request_is_kept():
    """Behind a proxy that mounts the service under a path, links carry that path."""
    workflow, step = STEPS[0]
    try:
        set_script_prefix("/klachten/")
        assert step_href(workflow, step, "KL-1").startswith("/klachten/api/v1/")
        assert step_href(workflow, step, "KL-1") == _reversed(workflow, step, "KL-1")
    finally:
        set_script_prefix("/")
    assert step_href(workflow, step, "KL-1").startswith("/api/v1/")


@settings(max_examples=100, deadline=None)
@given(reference=st.text(min_size=1, max_size=30).filter(lambda text: "/" not in text))
def test_a_case_path_is_the_reversed_path_for_any_reference(reference):
    """The case's own path (a filing's Location header) the same way."""
    expected = reverse("case-detail", kwargs={"reference": reference})
    assert case_path("case-detail", reference) == expected

"""The README's workflow diagram is the code's: regenerate with `make diagrams`."""

from django.conf import settings
from django.core.management import call_command

from cases.workflows.complaint import FINAL_STATES, Complaint, ComplaintState
from cases.workflows.diagram import mermaid
from cases.workflows.service import step_names


def test_readme_shows_the_complaint_workflow_as_declared():
    diagram = mermaid(Complaint, list(ComplaintState.values), FINAL_STATES)
    assert f"```mermaid\n{diagram}```" in (settings.BASE_DIR / "README.md").read_text()
    call_command("workflow_diagrams", "--check")


def test_every_step_is_in_the_diagram():
    diagram = mermaid(Complaint, list(ComplaintState.values), FINAL_STATES)
    for name in step_names("complaint"):
        assert f": {name}\n" in diagram


def test_readme_shows_the_objection_workflow_as_declared():
    from cases.workflows import objection

    diagram = mermaid(
        objection.Objection, list(objection.ObjectionState.values), objection.FINAL_STATES
    )
    assert f"```mermaid\n{diagram}```" in (settings.BASE_DIR / "README.md").read_text()
    for name in step_names("objection"):
        assert f": {name}\n" in diagram

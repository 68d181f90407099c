"""The README's workflow diagrams are the specs': regenerate with `make diagrams`."""

import pytest
from django.conf import settings
from django.core.management import call_command

from cases.workflows.diagram import mermaid
from cases.workflows.registry import WORKFLOWS


@pytest.mark.parametrize("kind", list(WORKFLOWS))
def test_readme_shows_the_workflow_as_declared(kind):
    diagram = mermaid(WORKFLOWS[kind])
    assert f"```mermaid\n{diagram}```" in (settings.BASE_DIR / "README.md").read_text()


@pytest.mark.parametrize("kind", list(WORKFLOWS))
def test_every_step_and_every_move_is_in_the_diagram(kind):
    workflow = WORKFLOWS[kind]
    diagram = mermaid(workflow)
    for name in workflow.steps:
        for source in workflow.sources(name):
            assert any(
                f"    {source} --> {target}: {name}\n" in diagram
                for target in workflow.targets(name)
            ), (source, name)


def test_the_check_command_agrees():
    call_command("workflow_diagrams", "--check")

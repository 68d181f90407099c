"""Rules about the person acting on a case that hold for every write, whatever the role
(Awb 9:7: not the person complained about). A read-only check other apps may call before
they write on a case (a letter correction, a resend) without taking a workflow step."""

from typing import Any

from django.core.exceptions import PermissionDenied

from backend.accounts.models import User
from cases.models import Case
from cases.workflows.registry import WORKFLOWS
from cases.workflows.spec import Workflow


def failed_guard(workflow: Workflow, case: Case, user: User) -> Any:
    """The first of the kind's rules about the person that ``user`` fails, or None."""
    return next((each for each in workflow.guards if not each(case, user)), None)


def case_write_check(*, case: Case, by: User) -> None:
    """Refuse a write on the case (a note, a contact moment) that a rule about the person
    forbids, whatever the role (Awb 9:7): 403 naming the rule."""
    workflow = WORKFLOWS.get(case.kind)
    failed = failed_guard(workflow, case, by) if workflow is not None else None
    if failed is not None:
        raise PermissionDenied(f"{failed.message} ({failed.article})")

"""The workflow of each case kind, by kind."""

from cases.workflows.complaint import WORKFLOW as COMPLAINT
from cases.workflows.objection import WORKFLOW as OBJECTION
from cases.workflows.spec import Workflow

WORKFLOWS: dict[str, Workflow] = {each.kind: each for each in (COMPLAINT, OBJECTION)}

"""Legal staff's objections inbox, by stage; "to review" never holds one's own drafts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.objection_inbox import STAGE_BY_CODE, STAGES, stage_cases, stage_counts
from cases.privacy import data_flags
from cases.urgency import due_state
from workbench.access import staff_view
from workbench.labels import status_label

DEFAULT_STAGE = "admissibility"
INBOX_ROWS = 200  # the soonest due; a stage holding more says so


@require_GET
@staff_view
def objections_inbox(request: HttpRequest) -> HttpResponse:
    stage = STAGE_BY_CODE.get(request.GET.get("stage", ""), STAGE_BY_CODE[DEFAULT_STAGE])
    today = timezone.localdate()
    personal = data_flags(request.user)["personal_data"]
    rows = [
        {
            "reference": case.reference,
            "status_label": status_label(case.kind, case.status),
            "due": due_state(case.next_due_date, today, is_open=case.is_open),
            "decision": case.objection.decision_subject if personal else None,
            "assignee": case.assignee.display_name if case.assignee else None,
            "drafter": (
                case.objection.drafted_by.display_name if case.objection.drafted_by else None
            ),
            "hearing_at": case.objection.hearing_at,
        }
        for case in stage_cases(request.user, stage, limit=INBOX_ROWS)
    ]
    counts = stage_counts(request.user)
    return render(
        request,
        "workbench/inbox.html",
        {
            "nav": "objections",
            "stage": stage,
            "stages": [(each, counts[each.code]) for each in STAGES],
            "rows": rows,
            "cut_off": len(rows) == INBOX_ROWS,
        },
    )

"""The team lead's page: workload per handler, the cases that need attention with
assignment in one step, and today's print batch (fetch it, confirm it was posted)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from backend.accounts.models import User
from cases import services
from cases.models import Case
from cases.urgency import due_state
from cases.workload import handling_people, needs_attention, workload
from letters import delivery
from letters.models import PrintBatch
from workbench.access import staff_view
from workbench.case_page import case_action, case_write
from workbench.labels import label, status_label
from workbench.refusals import ANSWERED, refusal_or_raise

TEAM_PERMISSION = "cases.assign_case"
PRINT_PERMISSION = "letters.print_letters"


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/forbidden.html", status=403)


@require_GET
@staff_view
def team_page(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(TEAM_PERMISSION):
        return _forbidden(request)
    today = timezone.localdate()
    attention = [
        {
            "reference": case.reference,
            "kind_label": label("kind", case.kind),
            "status_label": status_label(case.kind, case.status),
            "due": due_state(case.next_due_date, today, is_open=case.is_open),
            "assignee": case.assignee,
        }
        for case in needs_attention(request.user, today)
    ]
    context: dict[str, Any] = {
        "nav": "team",
        "loads": workload(request.user, today),
        "attention": attention,
        "people": list(handling_people(request.user)),
        "batches": (
            list(PrintBatch.objects.filter(posted_at__isnull=True)[:10])
            if request.user.has_perm(PRINT_PERMISSION)
            else None
        ),
    }
    return render(request, "workbench/team.html", context)


@case_action
@transaction.non_atomic_requests
@staff_view
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    """Assign (or reassign) a case to a person; an empty choice releases it."""
    username = request.POST.get("assignee", "")

    def action(case: Case) -> None:
        assignee = None
        if username:
            assignee = User.objects.filter(username=username, is_active=True).first()
            if assignee is None:
                raise ValidationError({"assignee": gettext("There is no such person.")})
        services.case_assign(case=case, assignee=assignee, by=request.user)

    back = request.POST.get("back") == "team"
    return case_write(
        request,
        reference,
        action,
        gettext("Assignment saved."),
        after="workbench:team" if back else None,
    )


@require_POST
@transaction.non_atomic_requests
@staff_view
def batch_posted(request: HttpRequest, batch_id: int) -> HttpResponse:
    if not request.user.has_perm(PRINT_PERMISSION):
        return _forbidden(request)
    batch = PrintBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    try:
        with transaction.atomic():
            delivery.print_batch_confirm_posted(batch=batch, by=request.user)
    except ANSWERED as error:  # a refusal or a busy database: nothing saved
        messages.error(request, refusal_or_raise(error).message)
    else:
        messages.success(request, gettext("The print batch is marked as posted."))
    return redirect("workbench:team")

"""The case page and what a handler does on it: claim, log a call, take a step, add a
note.

Every action calls the service the API calls (``cases.services``,
``cases.workflows.service``), which checks the role, the rules about the person (Awb 9:7,
four eyes) and the case's state; the page shows what the API's case detail shows this
person (``CaseDetailSerializer`` with the same privacy flags). A write runs in its own
transaction, so a refusal leaves nothing behind and the page is read again after it.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from rest_framework.exceptions import APIException

from backend.processing_log import recorder
from cases import services
from cases.api import access
from cases.api.serializers import CaseDetailSerializer, NoteInputSerializer
from cases.api.workflow import ContactMomentInput
from cases.contact_plan import call_plan
from cases.models import Case, ContactOutcome
from cases.tracking_links import may_issue_tracking_links, tracking_link_issue, tracking_url
from cases.urgency import due_state
from cases.workflows import service as workflow_service
from cases.workflows.registry import WORKFLOWS
from cases.workflows.spec import Step
from letters.api import LetterSerializer
from letters.context import TITLES
from workbench.access import staff_view
from workbench.labels import label, status_label
from workbench.refusals import ANSWERED, Refusal, refusal_or_raise
from workbench.step_check import Preview, preview_pdf, step_dry_run
from workbench.step_forms import step_data, step_fields

# The outcomes offered as one-click buttons, in the order a handler meets them.
CALL_OUTCOMES = (
    ContactOutcome.REACHED,
    ContactOutcome.NO_ANSWER,
    ContactOutcome.VOICEMAIL,
    ContactOutcome.CALLBACK_REQUESTED,
    ContactOutcome.WRONG_NUMBER,
)


def _case(request: HttpRequest, reference: str) -> Case:
    """The case as its API page reads it, if this person may see it; 404 otherwise (the
    same answer for a case that does not exist)."""
    try:
        return access.visible_case_page(request, reference)
    except APIException:
        raise Http404 from None


def _step_of(case: Case, slug: str) -> Step:
    workflow = WORKFLOWS.get(case.kind)
    found = next((s for s in workflow.steps.values() if s.slug == slug), None) if workflow else None
    if found is None:
        raise Http404
    return found


def _letters(case: Case, personal_data: bool) -> list[dict[str, Any]]:
    if not personal_data:
        return []
    letters = (
        case.letters.select_related("case")
        .prefetch_related("deliveries", "replaced_by")
        .order_by("created_at", "id")
    )
    language = translation.get_language() or "nl"
    return [
        {**data, "title": TITLES.get(data["kind"], {}).get(language[:2], data["kind"])}
        for data in LetterSerializer(letters, many=True, context={"staff": True}).data
    ]


def case_context(
    request: HttpRequest,
    case: Case,
    *,
    open_step: str | None = None,
    submitted: Any = None,
    refusal: Refusal | None = None,
    checked: list[Preview] | None = None,
    form: str | None = None,
) -> dict[str, Any]:
    user = request.user
    context = access.detail_context(user, case)
    data = CaseDetailSerializer(case, context=context).data
    workflow = WORKFLOWS[case.kind]
    steps = []
    for offered in data["available_transitions"]:
        step = workflow.steps[offered["name"]]
        mine = open_step == step.slug
        steps.append(
            {
                "slug": step.slug,
                "label": str(step.label),
                "description": step.description,
                "fields": step_fields(
                    step,
                    submitted if mine else None,
                    refusal.fields if (mine and refusal) else None,
                ),
                "open": mine,
            }
        )
    filer = next((p for p in data["parties"] if p["role"] == "filer"), None)
    preferred = (filer or {}).get("preferred_contact_times") or []
    today = timezone.localdate()
    return {
        "case": data,
        "kind_label": label("kind", case.kind),
        "status_label": status_label(case.kind, case.status),
        "channel_label": label("channel", case.channel),
        "due": due_state(case.next_due_date, today, is_open=case.is_open),
        "personal_data": context["personal_data"],
        "care_note": context["care_note"],
        "steps": steps,
        "plan": call_plan(case, preferred) if data["contact_moments"] is not None else None,
        "call_outcomes": [(o.value, o.label) for o in CALL_OUTCOMES],
        "letters": _letters(case, context["personal_data"]),
        "may_claim": case.assignee_id is None and user.has_perm("cases.claim_case"),
        "may_log_contact": case.is_open and user.has_perm("cases.log_contact"),
        "may_add_note": user.has_perm("cases.add_note"),
        "may_issue_tracking_link": may_issue_tracking_links(user),
        "refusal": refusal,
        "page_url": reverse("workbench:case", args=[case.reference]),
        "open_step": open_step,
        "checked": checked,
        # The call log or the note sent back with what was typed and its errors.
        "form": form,
        "sent": submitted if form else None,
        "errors": (refusal.fields if refusal else {}) if form else {},
    }


def _page(request: HttpRequest, case: Case, status: int = 200, **kwargs: Any) -> HttpResponse:
    response = render(
        request, "workbench/case.html", case_context(request, case, **kwargs), status=status
    )
    if request.method == "POST":
        # A refusal or a check is shown at the action's address: the browser's history and
        # a reload keep the case page's (htmx), not an address that only takes a POST.
        response["HX-Replace-Url"] = reverse("workbench:case", args=[case.reference])
    return response


def case_action(view: Any) -> Any:
    """A write on the case: POST only; a GET (a reload, a bookmark) goes to the case."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, reference: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return redirect("workbench:case", reference=reference)
        return view(request, reference, *args, **kwargs)

    return wrapper


def case_write(
    request: HttpRequest,
    reference: str,
    action: Any,
    done: str | Callable[[], str],
    *,
    after: str | None = None,
    **on_refusal: Any,
) -> HttpResponse:
    """Run ``action(case)`` in one transaction with its processing records, then show the
    case again (or ``after``) with ``done``; refused, nothing of it is saved and the case
    page shows the refusal beside what was sent (``after``: that page, with the refusal
    as its message)."""
    case = _case(request, reference)
    try:
        with transaction.atomic():
            action(case)
            # The change's processing records commit with it, or neither does.
            recorder.flush_with_change()
    except ANSWERED as error:  # refused, the database busy or gone, the log down: nothing saved
        refusal = refusal_or_raise(error)
    else:
        messages.success(request, done() if callable(done) else done)
        return redirect(after or "workbench:case", **({} if after else {"reference": reference}))
    if after is not None:
        details = [text for texts in refusal.fields.values() for text in texts]
        messages.error(request, " ".join([refusal.message, *details, *refusal.conditions]))
        return redirect(after)
    return _page(request, _case(request, reference), refusal.status, refusal=refusal, **on_refusal)


@require_GET
@staff_view
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, _case(request, reference))


@case_action
@transaction.non_atomic_requests
@staff_view
def claim(request: HttpRequest, reference: str) -> HttpResponse:
    def action(case: Case) -> None:
        services.case_claim(case=case, by=request.user)

    return case_write(request, reference, action, gettext("You now handle this case."))


@case_action
@transaction.non_atomic_requests
@staff_view
def log_contact(request: HttpRequest, reference: str) -> HttpResponse:
    """One click: the button pressed is the outcome; a note and a call-back time are
    optional. Validated by the API's own input for a contact moment."""
    given = {
        name: request.POST[name]
        for name in ("outcome", "callback_at", "note")
        if request.POST.get(name, "").strip()
    }

    def action(case: Case) -> None:
        body = ContactMomentInput(data={**given, "channel": "phone"})
        body.is_valid(raise_exception=True)
        services.contact_moment_log(
            case=case, by=request.user, occurred_at=timezone.now(), **body.validated_data
        )

    return case_write(
        request,
        reference,
        action,
        gettext("Call logged: %(outcome)s.") % {"outcome": label("outcome", given.get("outcome"))},
        submitted=request.POST,
        form="contact",
    )


@case_action
@transaction.non_atomic_requests
@staff_view
def take_step(request: HttpRequest, reference: str, slug: str) -> HttpResponse:
    """Take the step; with ``check``, only check it and preview its letters
    (``workbench.step_check``)."""
    case = _case(request, reference)
    step = _step_of(case, slug)

    def action(fresh: Case) -> None:
        workflow_service.step_check(case=fresh, name=step.name, by=request.user)
        body = step.input(data=step_data(step, request.POST))
        body.is_valid(raise_exception=True)
        workflow_service.case_transition(
            case=fresh, name=step.name, data=dict(body.validated_data), by=request.user
        )

    kept = {"open_step": slug, "submitted": request.POST}
    if "check" not in request.POST:
        done = gettext("Done: %(step)s.") % {"step": step.label}
        return case_write(request, reference, action, done, **kept)
    try:
        previews = step_dry_run(case, request.user, action)
    except ANSWERED as error:
        refusal = refusal_or_raise(error)
        return _page(request, _case(request, reference), refusal.status, refusal=refusal, **kept)
    return _page(request, _case(request, reference), checked=previews, **kept)


@require_GET
@staff_view
def letter_preview(request: HttpRequest, reference: str, token: str) -> HttpResponse:
    """A letter a checked step would send, for the person who checked it (and may still
    see the case)."""
    _case(request, reference)
    pdf = preview_pdf(request.user, reference, token)
    if pdf is None:
        raise Http404
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{reference}-voorbeeld.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@case_action
@transaction.non_atomic_requests
@staff_view
def new_tracking_link(request: HttpRequest, reference: str) -> HttpResponse:
    """A new link for the resident (every earlier one stops working), shown once."""
    issued: list[str] = []

    def action(case: Case) -> None:
        if not may_issue_tracking_links(request.user):
            raise PermissionDenied(gettext("Your role cannot give out tracking links."))
        issued.append(tracking_url(tracking_link_issue(case)))

    done = gettext(
        "A new tracking link; the earlier ones no longer work. Give it to the resident now "
        "(it is not shown again): %(url)s"
    )
    return case_write(request, reference, action, lambda: done % {"url": issued[0]})


@case_action
@transaction.non_atomic_requests
@staff_view
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    def action(case: Case) -> None:
        body = NoteInputSerializer(data={"text": request.POST.get("text", "")})
        body.is_valid(raise_exception=True)
        services.case_add_note(case=case, text=body.validated_data["text"], by=request.user)

    return case_write(
        request, reference, action, gettext("Note added."), submitted=request.POST, form="note"
    )

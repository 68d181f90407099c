"""The queue page: the handler's own cases, the team's, the unassigned and the overdue,
with the API's filters and search, soonest due first, a page at a time (keyset).

The rows come from the API's queue read (``selectors.queue_rows``, the same visibility
and personal-data rules) and are shown as the API's queue item shows them.
"""

import dataclasses
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from cases import selectors
from cases.api.queue_params import QueueQuerySerializer
from cases.api.serializers import CaseQueueItemSerializer
from cases.api.step_links import case_path
from cases.api.views import queue_paginator
from cases.models import CaseKind
from cases.privacy import data_flags
from cases.processing import queue_page_processed
from cases.urgency import due_state
from cases.workflows.registry import WORKFLOWS
from workbench.access import staff_view
from workbench.labels import label, status_label
from workbench.refusals import field_errors as _field_errors

# Each tab of the queue: its filter on top of what the person may see.
VIEWS: dict[str, tuple[Any, dict[str, Any]]] = {
    "mine": (_("My cases"), {"assignee": "me"}),
    # Everything open the person may see: their teams', the intake, and for legal staff
    # every objection (selectors.case_visible_to).
    "team": (_("All open cases"), {}),
    "unassigned": (_("Unassigned"), {"assignee": "unassigned"}),
    "overdue": (_("Overdue"), {"overdue": True}),
}
DEFAULT_VIEW = "mine"
# The query parameters the page passes on to the API's queue parameters.
PASSED_ON = ("kind", "status", "q", "cursor")


def _status_choices() -> list[tuple[str, str]]:
    """Every state of every kind, once, labelled (both kinds share some names)."""
    seen: dict[str, str] = {}
    for workflow in WORKFLOWS.values():
        for value, text in workflow.states.choices:
            seen.setdefault(value, str(text))
    return sorted(seen.items(), key=lambda item: item[1])


def queue_rows_shown(request: HttpRequest, rows: list[Any]) -> list[dict[str, Any]]:
    """The rows as the API's queue item gives them, with the labels and the traffic
    light a person reads."""
    context = {**data_flags(request.user), "user_pk": request.user.pk}
    today = timezone.localdate()
    shown = []
    items = CaseQueueItemSerializer(rows, many=True, context=context).data
    for row, data in zip(rows, items, strict=True):
        shown.append(
            {
                **data,
                "kind_label": label("kind", row.kind),
                "status_label": status_label(row.kind, row.status),
                "channel_label": label("channel", row.channel),
                "due": due_state(row.next_due_date, today, is_open=row.is_open),
                "mine": row.assignee is not None and row.assignee.username == request.user.username,
                # Reversed once per URL name (a page asked reverse() twice a row).
                "url": case_path("workbench:case", row.reference),
                "claim_url": case_path("workbench:claim", row.reference),
            }
        )
    return shown


@staff_view
def queue_page(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", DEFAULT_VIEW)
    if view not in VIEWS:
        view = DEFAULT_VIEW
    given = {name: request.GET[name] for name in PASSED_ON if request.GET.get(name, "").strip()}
    params = QueueQuerySerializer(data=given)
    errors: list[str] = []
    rows: list[Any] = []
    links: dict[str, Any] = {"next": None, "previous": None}
    if params.is_valid():
        filters = dataclasses.replace(params.filters(), **VIEWS[view][1])
        api_request = Request(request)
        paginator = queue_paginator()
        try:
            window = paginator.window(api_request)
            read = selectors.queue_rows(user=request.user, filters=filters, window=window)
            rows, links = paginator.page(read, window, api_request)
            if data_flags(request.user)["personal_data"]:
                queue_page_processed(rows, searched=bool(filters.q))
        except APIException:  # a cursor from an old link, or made up
            errors.append(gettext("This page of the queue no longer exists: start again."))
    else:
        errors = [" ".join(texts) for texts in _field_errors(params.errors).values()]
    context = {
        "nav": "queue",
        "view": view,
        "views": [(code, title) for code, (title, _filter) in VIEWS.items()],
        "rows": queue_rows_shown(request, rows),
        "links": links,
        "errors": errors,
        "given": given,
        "kinds": CaseKind.choices,
        "statuses": _status_choices(),
    }
    # Also for htmx: the filter form picks the table out of the page (hx-select), and a
    # boosted link swaps the whole page.
    return render(request, "workbench/queue.html", context)

"""Who sees which case and which of its personal data: one policy for every view.

A case is visible to the roles the queue shows it to (``selectors.case_visible_to``);
others get 404, so a reference does not reveal that a case exists. Personal data (contact
details, attachments, letters) is shown to roles that need it and to the filer themselves
(AVG art. 15); the extra-care note to handling staff only. Every case handed to a view
here is noted in the processing log (``cases.processing``).
"""

import re
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request

from backend.accounts.models import ApiToken, Team, User
from backend.accounts.tokens import token_teams
from backend.api.problems import InvalidParams
from cases import selectors
from cases.deadlines import legal_calendar, norm_calendar
from cases.models import Case
from cases.privacy import data_flags
from cases.processing import case_processed

REFERENCE_PATTERN = re.compile(r"^[A-Z]{2}-\d{4}-\d{6,}$")


def detail_context(user: User, case: Case, token: ApiToken | None = None) -> dict[str, Any]:
    """What the case detail serializer needs to show this case to this caller (``token``:
    the integration client's, whose scopes may allow more)."""
    scopes = (token.scopes or []) if isinstance(token, ApiToken) else []
    return {
        **data_flags(user, case, scopes),
        "user": user,
        "today": timezone.localdate(),
        "legal_calendar": legal_calendar(),
        "norm_calendar": norm_calendar(),
    }


def reference_check(reference: str) -> None:
    if not REFERENCE_PATTERN.match(reference):
        raise InvalidParams(
            [
                {
                    "name": "reference",
                    "code": "invalid",
                    "reason": gettext(
                        "A case reference looks like KL-2026-000123 or BZ-2026-000045."
                    ),
                }
            ]
        )


def not_found() -> NotFound:
    return NotFound(gettext("There is no case with this reference, or you may not see it."))


def visible_case_page(request: Request, reference: str, kind: str | None = None) -> Case:
    """``visible_case``, read as its page reads it (``selectors.case_detail``: its kind's
    details, terms and contact moments with it, each statement built once): the page is
    built from it, and a step's checks run on it without reading the case again."""
    reference_check(reference)
    try:
        case = selectors.case_detail(user=request.user, reference=reference)
    except ObjectDoesNotExist:
        raise not_found() from None
    if kind is not None and case.kind != kind:
        raise not_found()
    _processed(request, case)
    return case


def visible_case(
    request: Request, reference: str, kind: str | None = None, *, noted: bool = True
) -> Case:
    """The case if this caller may see it (and it is of ``kind``, when given), else 404.
    ``noted=False``: the view notes its own processing (reading the log about the case's
    people is inspection, not case handling)."""
    reference_check(reference)
    cases = selectors.case_visible_to(request.user)
    if kind is not None:
        cases = cases.filter(kind=kind)
    try:
        case = cases.get(reference=reference)
    except ObjectDoesNotExist:
        raise not_found() from None
    if noted:
        _processed(request, case)
    return case


def _processed(request: Request, case: Case) -> None:
    """Every view that works on one case gets it here: the processing log notes it once,
    with whether this caller was shown the personal data (the request's status decides
    whether the record says it succeeded)."""
    shown = data_flags(request.user, case)["personal_data"]
    case_processed(case, attributes={"casehandling.personal_data_shown": shown})


def filing_team_for(request: Request, kind: str, team: Team | None) -> Team | None:
    """The team a filing goes to, within what the caller's token allows: a token limited
    to case kinds files only those (403); one limited to teams files into one of them -
    the first by name when the filing names none (403 for another)."""
    token = request.auth if isinstance(request.auth, ApiToken) else None
    if token is None:
        return team
    if token.kinds and kind not in token.kinds:
        raise PermissionDenied(gettext("This token may not file this kind of case."))
    allowed = token_teams(token)
    if not allowed:
        return team
    if team is None:
        return allowed[0]
    if team not in allowed:
        raise PermissionDenied(gettext("This token may not file for this team."))
    return team

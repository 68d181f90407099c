"""Who may open the workbench, and in which language.

The workbench is for staff who work queues (``cases.view_queue``: case handlers, legal
staff, team leads, and administrators without personal data). What each of them may see
and do on a case is decided by the same services and selectors as the API; this module
only admits the person. Sessions end when left alone for every page
(``backend.accounts.sessions``).
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

WORKBENCH_PERMISSION = "cases.view_queue"


def workbench_language(request: HttpRequest) -> None:
    """Dutch unless the person chose English with the page's language switch (a cookie):
    not the browser's language, which on a municipal computer says little about the
    person, while the API answers each caller in the language it asks for."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _to_login(request: HttpRequest) -> HttpResponse:
    response = redirect_to_login(request.get_full_path())
    if request.htmx:  # a partial update must not swap the login page into a panel
        return HttpResponseClientRedirect(response["Location"])
    return response


def staff_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A workbench page: signed in, not idle too long, and working queues (403 page
    otherwise)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        workbench_language(request)
        if not request.user.is_authenticated:
            if getattr(request, "session_timed_out", False):  # backend.accounts.sessions
                messages.info(request, gettext("You were signed out after a while without use."))
            return _to_login(request)
        if not request.user.has_perm(WORKBENCH_PERMISSION):
            return render(request, "workbench/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper

"""Who may open the workbench, and for how long a session lasts unattended.

The workbench is for staff who work queues (``cases.view_queue``: case handlers, legal
staff, team leads, and administrators without personal data). What each of them may see
and do on a case is decided by the same services and selectors as the API; this module
only admits the person and ends an idle session.
"""

import functools
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django_htmx.http import HttpResponseClientRedirect

WORKBENCH_PERMISSION = "cases.view_queue"
_SEEN = "workbench_seen"
# The last-seen time is written at most this often: not a session write per request.
_SEEN_RESOLUTION = 60


def idle_expired(request: HttpRequest, now: float | None = None) -> bool:
    seen = request.session.get(_SEEN)
    now = time.time() if now is None else now
    return seen is not None and now - seen > settings.WORKBENCH_IDLE_MINUTES * 60


def _seen(request: HttpRequest) -> None:
    now = time.time()
    if now - request.session.get(_SEEN, 0) >= _SEEN_RESOLUTION:
        request.session[_SEEN] = int(now)


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
            return _to_login(request)
        if idle_expired(request):
            logout(request)
            messages.info(request, gettext("You were signed out after a while without use."))
            return _to_login(request)
        if not request.user.has_perm(WORKBENCH_PERMISSION):
            return render(request, "workbench/forbidden.html", status=403)
        _seen(request)
        return view(request, *args, **kwargs)

    return wrapper

"""Browser sessions end: ``SESSION_IDLE_MINUTES`` after the last request, and
``SESSION_COOKIE_AGE`` after signing in whatever happens (BIO 9.4.2: an unattended screen
at a counter must not stay signed in). For every session-authenticated request - the
workbench, the admin, the API in a browser, letter and attachment downloads - not only
for some pages. API tokens have no session and are not affected.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse

SIGNED_IN = "signed_in_at"
SEEN = "seen_at"
# The last-seen time is written at most this often: not a session write per request.
SEEN_RESOLUTION = 60


def session_started(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """user_logged_in: the session's clock starts (a new sign-in, a new clock)."""
    now = int(time.time())
    request.session[SIGNED_IN] = now
    request.session[SEEN] = now


def session_ended(request: HttpRequest, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    signed_in = request.session.get(SIGNED_IN)
    seen = request.session.get(SEEN)
    too_old = signed_in is not None and now - signed_in > settings.SESSION_COOKIE_AGE
    idle = seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60
    return too_old or idle


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware: an ended session is signed out before the view
    runs (the request goes on as anonymous: a page asks to sign in, the API answers 401)
    and ``request.session_timed_out`` says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.session_timed_out = False
        if request.session.get(SESSION_KEY) is not None:
            now = time.time()
            if session_ended(request, now):
                logout(request)
                request.session_timed_out = True
            else:
                request.session.setdefault(SIGNED_IN, int(now))  # signed in before this rule
                if now - request.session.get(SEEN, 0) >= SEEN_RESOLUTION:
                    request.session[SEEN] = int(now)
        return self.get_response(request)

"""Tracking links' keys: made, stored as a hash, revoked, looked up (``cases.tracking``
has what a link lets a resident see and do)."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from cases.models import Case, TrackingLink


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def tracking_link_new(case: Case) -> tuple[TrackingLink, str]:
    """An unsaved link for ``case`` and its key (192 random bits, URL-safe)."""
    key = secrets.token_urlsafe(24)
    return TrackingLink(case=case, key_hash=key_hash(key)), key


def may_issue_tracking_links(user: User) -> bool:
    """Handling staff give a resident a new link (lost, or shared by mistake)."""
    return user.has_perm("cases.view_personal_data") and user.has_perm("cases.log_contact")


def tracking_url(key: str) -> str:
    """The link a resident opens (``PUBLIC_BASE_URL`` and the tracking route)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("tracking", kwargs={"key": key})


@transaction.atomic
def tracking_link_issue(case: Case) -> str:
    """A new link for the case, the earlier ones revoked (a lost answer, a leaked link)."""
    TrackingLink.objects.filter(case=case, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    link, key = tracking_link_new(case)
    link.save()
    return key


def _valid_until(case: Case) -> datetime.datetime | None:
    if case.closed_at is None:
        return None
    return case.closed_at + datetime.timedelta(days=settings.TRACKING_DAYS_AFTER_CLOSING)


def tracked_case(key: str, *, lock: bool = False) -> Case | None:
    """The case a valid key follows, or None - the same one query for every key."""
    links = TrackingLink.objects.select_related("case", "case__assignee").filter(
        key_hash=key_hash(key), revoked_at__isnull=True
    )
    link = (links.select_for_update(of=("self",)) if lock else links).first()
    if link is None:
        return None
    until = _valid_until(link.case)
    return link.case if until is None or timezone.now() <= until else None

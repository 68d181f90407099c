"""Who sees a case's personal data: one rule for the API and the admin.

Personal data is the parties (names, contact details), what the filer wrote (subject,
description, attachments), letters, contact moments and the timeline. Handling staff see
it by role; a filer sees their own case (AVG art. 15). The extra-care flag and note are
for handling staff only. Administrators, integrations and a superuser without a role see
none of it (README "Who sees which cases").
"""

from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from cases.models import Case

# The scope an integration client's token needs to read the BSN (cases.scopes).
BSN_SCOPE = "persons:bsn"
# The case's own fields that are personal data: what the filer wrote, and who filed it.
PERSONAL_CASE_FIELDS = frozenset({"subject", "description", "registered_by"})


def data_flags(
    user: AbstractBaseUser | AnonymousUser,
    case: Case | None = None,
    scopes: Collection[str] = (),
) -> dict[str, Any]:
    """``personal_data``, ``care_note`` and ``bsn``: which of the case's personal data this
    caller sees. The BSN only to roles that work with it (legal staff: objections against
    decisions about a person) and to an integration client whose token has the
    ``persons:bsn`` scope, for the cases it may read; never to the resident, in lists,
    search, events or logs."""
    own = case is not None and user.is_authenticated and case.registered_by_id == user.pk
    return {
        "personal_data": user.has_perm("cases.view_personal_data") or own,
        "care_note": user.has_perm("cases.view_care_note"),
        "bsn": user.has_perm("cases.view_bsn") or (own and BSN_SCOPE in scopes),
    }

"""The day a letter made now goes out: the day it is dated on, and the day from which a
request in it counts (a repair request suspends the decision term from the day after it,
Awb 7:10(2); a remedy date counts from the day after sending, 6:8).

- E-mail goes out on the day it is made if the municipality works that day, otherwise
  on its next working day (the sender holds it until then).
- Post goes into the print batch of the day it is made if made before the batch
  (``LETTERS_PRINT_BATCH_AT``) on a working day, otherwise into the next working day's.

The letters app dates and sends letters by this rule; the workflows use it to date what
a letter asks or announces.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from cases.deadlines import municipal_date
from cases.models import Case, Party, PartyRole

# The key of the letters to ``addressee(case)`` (the letters app's recipients, and the
# ``recipient`` of its events).
ADDRESSEE = "addressee"


def _batch_time() -> datetime.time:
    hour, minute = (int(part) for part in settings.LETTERS_PRINT_BATCH_AT.split(":"))
    return datetime.time(hour, minute)


def dispatch_day(*, by_email: bool, at: datetime.datetime | None = None) -> datetime.date:
    """The working day a letter made at ``at`` (default: now) goes out."""
    moment = timezone.localtime(at or timezone.now())
    day = moment.date()
    if not by_email and moment.time() >= _batch_time():
        day += datetime.timedelta(days=1)
    return municipal_date(day)


def addressee(case: Case) -> Party:
    """Who the resident's letters go to: the representative (gemachtigde) when there is
    one, otherwise the filer."""
    parties = {party.role: party for party in case.parties.all()}
    return parties.get(PartyRole.REPRESENTATIVE) or parties[PartyRole.FILER]


def by_email(party: Party) -> bool:
    """Awb 2:14(1): letters go by e-mail only to someone who said they can be reached so."""
    return party.letters_by_email and bool(party.email)


def letter_day(case: Case) -> datetime.date:
    """The day a letter to the case's addressee, made now, goes out."""
    return dispatch_day(by_email=by_email(addressee(case)))

"""The day a letter goes out, which is the day it is dated.

A remedy date in a letter (the last day to object or appeal) counts from the day after
the letter is sent (Awb 6:8), so a letter is dated on its dispatch day and its remedy
dates are computed from that day (LEGAL.md, "Counting terms"):

- e-mail goes out on the day it is made if the municipality works that day, otherwise on
  its next working day (the sender holds it until then);
- post goes into the print batch of the day it is made if it is made before the batch
  (``LETTERS_PRINT_BATCH_AT``) on a working day, otherwise into the next working day's.

A letter still waiting after its date (a batch that did not run, an e-mail that kept
failing) is dated again before it goes out (``letters.services.letters_redate_stale``).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from cases.deadlines import municipal_date
from letters.models import DeliveryChannel
from letters.recipients import Recipient


def chosen_channel(recipient: Recipient) -> str:
    """The recipient's own choice: e-mail when they agreed to it, otherwise post."""
    return DeliveryChannel.EMAIL if recipient.email_allowed else DeliveryChannel.POST


def _batch_time() -> datetime.time:
    hour, minute = (int(part) for part in settings.LETTERS_PRINT_BATCH_AT.split(":"))
    return datetime.time(hour, minute)


def dispatch_day(channel: str, at: datetime.datetime | None = None) -> datetime.date:
    """The working day a letter made at ``at`` (default: now) on ``channel`` goes out."""
    moment = timezone.localtime(at or timezone.now())
    day = moment.date()
    if channel == DeliveryChannel.POST and moment.time() >= _batch_time():
        day += datetime.timedelta(days=1)
    return municipal_date(day)

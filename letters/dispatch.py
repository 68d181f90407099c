"""Which way a letter goes and the day it goes out (the rule itself: ``cases.dispatch``).

A letter is dated on its dispatch day and its remedy dates are computed from that day. A
letter still waiting after its date (a batch that did not run, an e-mail that kept
failing) is dated again before it goes out (``letters.services.letters_redate_stale``).
"""

import datetime

from cases import dispatch
from letters.models import DeliveryChannel
from letters.recipients import Recipient


def chosen_channel(recipient: Recipient) -> str:
    """The recipient's own choice: e-mail when they agreed to it, otherwise post."""
    return DeliveryChannel.EMAIL if recipient.email_allowed else DeliveryChannel.POST


def dispatch_day(channel: str, at: datetime.datetime | None = None) -> datetime.date:
    """The working day a letter made at ``at`` (default: now) on ``channel`` goes out."""
    return dispatch.dispatch_day(by_email=channel == DeliveryChannel.EMAIL, at=at)

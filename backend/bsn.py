"""The burgerservicenummer (BSN): nine digits that pass the eleven-test.

The test (elfproef, as the BRP applies it to a BSN): 9·d1 + 8·d2 + ... + 2·d8 - 1·d9 is
a multiple of 11. A number of all zeros passes the sum but is no BSN.
"""

import re

from django.utils.translation import gettext

_NINE_DIGITS = re.compile(r"^\d{9}$")


def bsn_valid(value: str) -> bool:
    if not _NINE_DIGITS.match(value) or value == "000000000":
        return False
    digits = [int(digit) for digit in value]
    total = sum(weight * digit for weight, digit in zip(range(9, 1, -1), digits[:8], strict=True))
    return (total - digits[8]) % 11 == 0


def bsn_normalised(value: str) -> str | None:
    """The BSN as stored and indexed (nine digits), from how people write it: spaces and
    dots allowed, eight digits when the leading zero was left off; '' for ''; None when
    it is no BSN."""
    number = value.replace(" ", "").replace(".", "")
    if not number:
        return ""
    if len(number) == 8 and number.isdigit():
        number = "0" + number
    return number if bsn_valid(number) else None


def bsn_invalid_message() -> str:
    return gettext("This is not a BSN: it must be 9 digits that pass the eleven-test.")

"""The burgerservicenummer (BSN): nine digits that pass the eleven-test.

The test (elfproef, as the BRP applies it to a BSN): 9·d1 + 8·d2 + ... + 2·d8 - 1·d9 is
a multiple of 11. A number of all zeros passes the sum but is no BSN.
"""

import re

_NINE_DIGITS = re.compile(r"^\d{9}$")


def bsn_valid(value: str) -> bool:
    if not _NINE_DIGITS.match(value) or value == "000000000":
        return False
    digits = [int(digit) for digit in value]
    total = sum(weight * digit for weight, digit in zip(range(9, 1, -1), digits[:8], strict=True))
    return (total - digits[8]) % 11 == 0

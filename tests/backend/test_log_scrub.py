"""The net under "no personal data in a log line" (backend/log_scrub.py, issue 17.5)."""

import logging
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.bsn import bsn_valid
from backend.log_scrub import PersonalDataScrubber, scrub

VALID_BSNS = ["111222333", "123456782", "999999990"]


def bsn_from(first_eight: str) -> str | None:
    """The BSN with these first eight digits, if one exists (check digit 0-9)."""
    total = sum(weight * int(d) for weight, d in zip(range(9, 1, -1), first_eight, strict=True))
    check = total % 11
    return None if check == 10 else first_eight + str(check)


@pytest.mark.parametrize("number", VALID_BSNS)
def test_the_eleven_test_accepts_real_bsns(number):
    assert bsn_valid(number)


@pytest.mark.parametrize("number", ["123456789", "000000000", "12345678", "1234567820", "abc"])
def test_the_eleven_test_refuses_what_is_no_bsn(number):
    assert not bsn_valid(number)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_every_number_built_by_the_eleven_test_passes_it_and_one_digit_off_fails(first):
    number = bsn_from(first)
    if number is None or number == "000000000":
        return
    assert bsn_valid(number)
    wrong = number[:8] + str((int(number[8]) + 1) % 10)
    assert not bsn_valid(wrong)


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("mail to fatima.el-amrani+1@example.nl failed", "mail to [e-mail] failed"),
        ("call +31 6 12345678 back", "call [phone] back"),
        ("call +31612345678 back", "call [phone] back"),
        ("call 06-12345678 back", "call [phone] back"),
        ("call 020 1234567 back", "call [phone] back"),
        ("call 0031 20 123 4567", "call [phone]"),
        ("bsn 111222333 seen", "bsn [bsn] seen"),
        ("GET /api/v1/cases?q=Amrani&page=2 404", "GET /api/v1/cases?[query] 404"),
        (
            "DETAIL:  Key (name)=(Fatima el Amrani) already exists.",
            "DETAIL:  Key (name)=(…) already exists.",
        ),
        (
            "DETAIL:  Failing row contains (7, Fatima, 0612345678).",
            "DETAIL:  Failing row contains (…).",
        ),
    ],
)
def test_what_is_scrubbed(line, kept):
    assert scrub(line) == kept


@pytest.mark.parametrize(
    "line",
    [
        "POST /api/v1/complaints 201 15.9ms",
        "2025-04-01 07:00:00,043 request 2730786bf2124f99a3c0289a5c382c7f",
        "case KL-2025-000001 and BZ-2026-000042, letter 123456789 (not a BSN)",
        "from 127.0.0.1:8000 in 0.123456789 s",
        "user:12 task:cases.tasks.deadline_sweep",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ],
)
def test_what_is_not(line):
    assert scrub(line) == line


@given(st.emails())
def test_no_e_mail_address_survives(address):
    assert address not in scrub(f"sending to <{address}> now")


def test_the_filter_scrubs_message_arguments_traceback_and_extra_fields():
    try:
        raise ValueError("value fatima@example.nl refused")
    except ValueError:
        record = logging.LogRecord(
            "cases", logging.ERROR, __file__, 1, "filing by %s failed", ("06 12345678",),
            sys.exc_info(),
        )  # fmt: skip
    record.route = "/api/v1/cases?q=Amrani"

    assert PersonalDataScrubber().filter(record) is True

    line = logging.Formatter("%(message)s %(route)s").format(record)
    for value in ("12345678", "fatima@", "Amrani"):
        assert value not in line
    assert "filing by [phone] failed" in line
    assert "ValueError: value [e-mail] refused" in line  # the defect itself stays visible

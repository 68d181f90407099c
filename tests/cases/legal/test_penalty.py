"""The penalty for a late objection decision (Awb 4:17-4:18 via 7:14); no Atw for the 42 days."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.legal.calendar import LegalCalendar
from cases.legal.penalty import (
    BANDS,
    PENALTY_MAX_DAYS,
    BandLine,
    PenaltyBands,
    bands_for,
    fix_amount_deadline,
    penalty_amount,
    penalty_days,
    penalty_first_day,
    penalty_last_day,
)

D = datetime.date
EXPIRED = D(2025, 2, 28)  # last day of the decision term (Friday)


def test_awb_4_17_bands_are_dated_data():
    old, new = BANDS
    assert (old.valid_from, old.rates) == (D(2009, 10, 1), (20, 30, 40))
    assert (new.valid_from, new.rates) == (D(2019, 1, 1), (23, 35, 45))
    assert old.maximum == Decimal(1260)
    assert new.maximum == Decimal(1442)


def test_awb_4_17_notice_before_or_on_the_last_day_of_the_term_gives_no_penalty():
    """A notice of default received before the term expired does not count."""
    assert penalty_first_day(EXPIRED, D(2025, 2, 20)) is None
    assert penalty_first_day(EXPIRED, EXPIRED) is None


def test_awb_4_17_3_first_day_is_two_weeks_after_receipt_of_the_notice():
    """Received Mon 3 March 2025 → the two weeks after it end Mon 17 March, the first
    penalty day. The notice is the later of the two days."""
    assert penalty_first_day(EXPIRED, D(2025, 3, 3)) == D(2025, 3, 17)
    assert penalty_first_day(EXPIRED, D(2025, 3, 1)) == D(2025, 3, 15)


def test_awb_4_17_1_atw_does_not_move_the_first_penalty_day():
    """A first penalty day on Saturday 15 March stays on Saturday (no Atw)."""
    assert penalty_first_day(EXPIRED, D(2025, 3, 1)).weekday() == 5


@pytest.mark.parametrize(
    ("until", "days"),
    [
        (D(2025, 3, 16), 0),  # decided the day before the first penalty day
        (D(2025, 3, 17), 1),
        (D(2025, 3, 30), 14),
        (D(2025, 4, 27), 42),
        (D(2025, 4, 28), 42),  # capped
        (D(2025, 12, 31), 42),
    ],
)
def test_awb_4_17_1_penalty_days_are_inclusive_and_capped_at_42(until, days):
    assert penalty_days(D(2025, 3, 17), until) == days


def test_awb_4_17_last_penalty_day_is_the_day_sent_or_the_42nd_day():
    first = D(2025, 3, 17)
    assert penalty_last_day(first, D(2025, 3, 16)) is None
    assert penalty_last_day(first, D(2025, 3, 20)) == D(2025, 3, 20)
    assert penalty_last_day(first, D(2025, 6, 1)) == D(2025, 4, 27)


def test_awb_4_17_2_full_42_days_cost_1442_euros():
    amount = penalty_amount(42, D(2025, 3, 3))
    assert amount.total == Decimal(1442)
    assert amount.bands == (
        BandLine(14, Decimal(23), Decimal(322)),
        BandLine(14, Decimal(35), Decimal(490)),
        BandLine(14, Decimal(45), Decimal(630)),
    )
    assert amount.amounts == BANDS[1]
    assert "23/35/45" in amount.legal_basis


def test_awb_4_17_2_more_than_42_days_are_capped():
    amount = penalty_amount(100, D(2025, 3, 3))
    assert amount.days == PENALTY_MAX_DAYS
    assert amount.total == Decimal(1442)


@pytest.mark.parametrize(
    ("days", "euros"), [(0, 0), (1, 23), (14, 322), (15, 357), (20, 532), (29, 857)]
)
def test_awb_4_17_2_amount_per_band(days, euros):
    assert penalty_amount(days, D(2025, 3, 3)).total == Decimal(euros)


def test_awb_4_17_2_old_amounts_for_a_notice_received_before_2019():
    """Transitional rule of the 2018 indexation: the day the notice was received decides."""
    before = penalty_amount(42, D(2018, 12, 31))
    assert before.total == Decimal(1260)
    assert before.bands[0] == BandLine(14, Decimal(20), Decimal(280))
    assert penalty_amount(42, D(2019, 1, 1)).total == Decimal(1442)


def test_no_penalty_amounts_before_awb_4_17_existed():
    with pytest.raises(ValueError, match="2009-10-01"):
        bands_for(D(2009, 9, 30))


def test_bands_are_data_the_caller_can_extend():
    future = PenaltyBands(D(2030, 1, 1), Decimal(25), Decimal(38), Decimal(49))
    bands = (*BANDS, future)
    assert bands_for(D(2029, 12, 31), bands) == BANDS[1]
    assert penalty_amount(1, D(2030, 1, 1), bands).total == Decimal(25)


@pytest.mark.parametrize("days", [-1, 1.5, True])
def test_penalty_amount_needs_a_whole_number_of_days(days):
    with pytest.raises(ValueError, match="whole number"):
        penalty_amount(days, D(2025, 3, 3))


def test_awb_4_18_fix_the_amount_within_two_weeks_after_the_last_day():
    assert fix_amount_deadline(D(2025, 4, 14)) == D(2025, 4, 28)


def test_awb_4_18_deadline_with_the_atw_when_the_caller_applies_it():
    """Last day Sat 12 April 2025: two weeks end Sat 26 April (King's Day)."""
    assert fix_amount_deadline(D(2025, 4, 12)) == D(2025, 4, 26)
    assert fix_amount_deadline(D(2025, 4, 12), LegalCalendar()) == D(2025, 4, 28)


@given(
    days=st.integers(min_value=0, max_value=100),
    received=st.dates(min_value=D(2009, 10, 1), max_value=D(2035, 12, 31)),
)
def test_penalty_amount_grows_with_days_up_to_the_maximum(days, received):
    amount = penalty_amount(days, received)
    assert amount.total <= penalty_amount(days + 1, received).total
    assert amount.total <= amount.amounts.maximum
    assert sum(line.days for line in amount.bands) == amount.days == min(days, 42)


def test_awb_4_17_3_two_weeks_with_the_atw_run_past_ascension_and_its_friday():
    """The two weeks are a statutory term the Atw covers (4:17(1) excludes only the 42
    days): received Thursday 15 May 2025, two weeks end on Ascension Day, 30 May is a
    decree day, then a weekend - the first penalty day is Monday 2 June."""
    cal = LegalCalendar(decree_days={datetime.date(2025, 5, 30): "Vrijdag na Hemelvaartsdag"})
    expired, notice = datetime.date(2025, 3, 31), datetime.date(2025, 5, 15)
    assert penalty_first_day(expired, notice) == datetime.date(2025, 5, 29)
    assert penalty_first_day(expired, notice, cal) == datetime.date(2025, 6, 2)

"""The Atw calendar (Algemene termijnenwet art. 1-3) and the municipality's working days.

Pure: no database. Holiday dates are written out; Easter 2024-2030 (31 Mar, 20 Apr, 5 Apr,
28 Mar, 16 Apr, 1 Apr, 21 Apr) checked against dateutil's Easter algorithm.
"""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.legal import calendar
from cases.legal.calendar import ONE_DAY, LegalCalendar, ServiceNormCalendar, Step

D = datetime.date

# Atw art. 3(3): days equated with holidays by royal decree, as listed in docs/legal.md.
DECREE_DAYS = {
    D(2023, 4, 28): "Vrijdag na Koningsdag",
    D(2023, 5, 19): "Vrijdag na Hemelvaartsdag",
    D(2024, 5, 10): "Vrijdag na Hemelvaartsdag",
    D(2024, 12, 27): "Vrijdag na Tweede Kerstdag",
    D(2025, 5, 30): "Vrijdag na Hemelvaartsdag",
    D(2026, 1, 2): "Vrijdag na Nieuwjaarsdag",
    D(2026, 5, 15): "Vrijdag na Hemelvaartsdag",
    D(2027, 5, 7): "Vrijdag na Hemelvaartsdag",
    D(2028, 4, 28): "Vrijdag na Koningsdag",
    D(2028, 5, 26): "Vrijdag na Hemelvaartsdag",
}

# Atw art. 3(1) and 3(2): every recognised holiday 2024-2030, nothing else.
ATW_HOLIDAYS = {
    2024: {
        D(2024, 1, 1): "Nieuwjaarsdag",
        D(2024, 3, 29): "Goede vrijdag",
        D(2024, 4, 1): "Tweede paasdag",
        D(2024, 4, 27): "Koningsdag",
        D(2024, 5, 5): "Bevrijdingsdag",
        D(2024, 5, 9): "Hemelvaartsdag",
        D(2024, 5, 20): "Tweede pinksterdag",
        D(2024, 12, 25): "Eerste kerstdag",
        D(2024, 12, 26): "Tweede kerstdag",
    },
    2025: {
        D(2025, 1, 1): "Nieuwjaarsdag",
        D(2025, 4, 18): "Goede vrijdag",
        D(2025, 4, 21): "Tweede paasdag",
        D(2025, 4, 26): "Koningsdag",  # the 27th is a Sunday
        D(2025, 5, 5): "Bevrijdingsdag",
        D(2025, 5, 29): "Hemelvaartsdag",
        D(2025, 6, 9): "Tweede pinksterdag",
        D(2025, 12, 25): "Eerste kerstdag",
        D(2025, 12, 26): "Tweede kerstdag",
    },
    2026: {
        D(2026, 1, 1): "Nieuwjaarsdag",
        D(2026, 4, 3): "Goede vrijdag",
        D(2026, 4, 6): "Tweede paasdag",
        D(2026, 4, 27): "Koningsdag",
        D(2026, 5, 5): "Bevrijdingsdag",
        D(2026, 5, 14): "Hemelvaartsdag",
        D(2026, 5, 25): "Tweede pinksterdag",
        D(2026, 12, 25): "Eerste kerstdag",
        D(2026, 12, 26): "Tweede kerstdag",
    },
    2027: {
        D(2027, 1, 1): "Nieuwjaarsdag",
        D(2027, 3, 26): "Goede vrijdag",
        D(2027, 3, 29): "Tweede paasdag",
        D(2027, 4, 27): "Koningsdag",
        D(2027, 5, 5): "Bevrijdingsdag",
        D(2027, 5, 6): "Hemelvaartsdag",
        D(2027, 5, 17): "Tweede pinksterdag",
        D(2027, 12, 25): "Eerste kerstdag",
        D(2027, 12, 26): "Tweede kerstdag",
    },
    2028: {
        D(2028, 1, 1): "Nieuwjaarsdag",
        D(2028, 4, 14): "Goede vrijdag",
        D(2028, 4, 17): "Tweede paasdag",
        D(2028, 4, 27): "Koningsdag",
        D(2028, 5, 5): "Bevrijdingsdag",
        D(2028, 5, 25): "Hemelvaartsdag",
        D(2028, 6, 5): "Tweede pinksterdag",
        D(2028, 12, 25): "Eerste kerstdag",
        D(2028, 12, 26): "Tweede kerstdag",
    },
    2029: {
        D(2029, 1, 1): "Nieuwjaarsdag",
        D(2029, 3, 30): "Goede vrijdag",
        D(2029, 4, 2): "Tweede paasdag",
        D(2029, 4, 27): "Koningsdag",
        D(2029, 5, 5): "Bevrijdingsdag",
        D(2029, 5, 10): "Hemelvaartsdag",
        D(2029, 5, 21): "Tweede pinksterdag",
        D(2029, 12, 25): "Eerste kerstdag",
        D(2029, 12, 26): "Tweede kerstdag",
    },
    2030: {
        D(2030, 1, 1): "Nieuwjaarsdag",
        D(2030, 4, 19): "Goede vrijdag",
        D(2030, 4, 22): "Tweede paasdag",
        D(2030, 4, 27): "Koningsdag",
        D(2030, 5, 5): "Bevrijdingsdag",
        D(2030, 5, 30): "Hemelvaartsdag",
        D(2030, 6, 10): "Tweede pinksterdag",
        D(2030, 12, 25): "Eerste kerstdag",
        D(2030, 12, 26): "Tweede kerstdag",
    },
}
ALL_HOLIDAYS = [(day, name) for year in ATW_HOLIDAYS.values() for day, name in year.items()]
EASTER_AND_WHIT_SUNDAYS = [
    D(2024, 3, 31), D(2024, 5, 19), D(2025, 4, 20), D(2025, 6, 8), D(2026, 4, 5),
    D(2026, 5, 24), D(2027, 3, 28), D(2027, 5, 16), D(2028, 4, 16), D(2028, 6, 4),
    D(2029, 4, 1), D(2029, 5, 20), D(2030, 4, 21), D(2030, 6, 9),
]  # fmt: skip

CAL = LegalCalendar(decree_days=DECREE_DAYS)
PLAIN = LegalCalendar()
dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2031, 12, 31))


@pytest.mark.parametrize("year", sorted(ATW_HOLIDAYS))
def test_atw_art_3_holidays_of_the_year_are_exactly_the_table(year):
    """Atw art. 3(1) and 3(2): these holidays and no others (no Easter/Whit Sunday)."""
    assert PLAIN.holidays_in(year) == ATW_HOLIDAYS[year]


@pytest.mark.parametrize(("day", "name"), ALL_HOLIDAYS)
def test_atw_art_3_every_holiday_is_a_rest_day(day, name):
    assert PLAIN.holiday_name(day) == name
    assert PLAIN.is_holiday(day)
    assert PLAIN.is_rest_day(day)
    assert PLAIN.next_working_day(day) > day


@pytest.mark.parametrize("day", EASTER_AND_WHIT_SUNDAYS)
def test_easter_and_whit_sunday_are_not_atw_holidays_but_sundays(day):
    """Atw art. 3(1) names the second Easter and Whit days only; the first are Sundays."""
    assert day.weekday() == 6
    assert PLAIN.holiday_name(day) is None
    assert PLAIN.is_rest_day(day)


def test_atw_art_3_liberation_day_every_year_not_only_every_fifth():
    """Atw art. 3(1) "de vijfde mei": the library lists it only in 2025, 2030, ..."""
    for year in (2026, 2027, 2028, 2029):
        assert PLAIN.holiday_name(D(year, 5, 5)) == "Bevrijdingsdag"
    assert PLAIN.describe(D(2027, 5, 5)) == "a holiday (Bevrijdingsdag, Atw art. 3)"


def test_atw_art_3_2_good_friday_is_equated_with_a_holiday():
    assert PLAIN.describe(D(2025, 4, 18)) == "a holiday (Goede vrijdag, Atw art. 3(2))"


def test_atw_art_3_kings_day_is_26_april_when_the_27th_is_a_sunday():
    assert PLAIN.holiday_name(D(2025, 4, 26)) == "Koningsdag"
    assert PLAIN.holiday_name(D(2025, 4, 27)) is None
    assert PLAIN.describe(D(2025, 4, 26)) == "a Saturday (Koningsdag)"


@pytest.mark.parametrize(("day", "name"), sorted(DECREE_DAYS.items()))
def test_atw_art_3_3_decree_days_count_only_when_given(day, name):
    assert day.weekday() == 4  # all Fridays (bridge days)
    assert CAL.holiday_name(day) == name
    assert CAL.is_rest_day(day)
    assert CAL.describe(day) == f"a day equated with a holiday ({name}, Atw art. 3(3))"
    assert not PLAIN.is_holiday(day)
    assert not PLAIN.is_rest_day(day)


def test_decree_days_are_listed_with_the_holidays_of_their_year():
    assert CAL.holidays_in(2025) == {
        **ATW_HOLIDAYS[2025],
        D(2025, 5, 30): DECREE_DAYS[D(2025, 5, 30)],
    }


def test_holiday_names_follow_the_language():
    english = LegalCalendar(language="en_US")
    assert english.holiday_name(D(2025, 6, 9)) == "Pentecost Monday"
    assert english.holiday_name(D(2026, 5, 5)) == "Liberation Day"


def test_unsupported_language_is_refused():
    with pytest.raises(ValueError, match="Unsupported language"):
        LegalCalendar(language="xx")


def test_next_working_day_skips_good_friday_weekend_and_easter_monday():
    assert PLAIN.next_working_day(D(2025, 4, 18)) == D(2025, 4, 22)
    assert PLAIN.next_working_day(D(2025, 4, 22)) == D(2025, 4, 22)


def test_atw_art_1_sunday_then_liberation_day_runs_to_tuesday():
    """The issue's example: raw end Sunday 4 May 2025, Monday 5 May is a holiday."""
    end, steps = CAL.atw_extend(D(2025, 3, 23), D(2025, 5, 4))
    assert end == D(2025, 5, 6)
    assert steps[0] == Step(
        "atw-1",
        "raw end 2025-05-04 is a Sunday → next day 2025-05-05 is a holiday "
        "(Bevrijdingsdag, Atw art. 3) → 2025-05-06",
        D(2025, 5, 6),
    )
    assert [s.rule for s in steps] == ["atw-1", "atw-2"]


def test_atw_art_1_no_extension_on_a_working_day():
    end, steps = CAL.atw_extend(D(2025, 3, 25), D(2025, 5, 6))
    assert end == D(2025, 5, 6)
    assert steps[0].text == (
        "raw end 2025-05-06 is a Tuesday, not a Saturday, Sunday or holiday → no extension"
    )


def test_atw_art_1_ascension_and_decree_friday():
    """Ascension 29 May 2025, the Friday equated by decree (art. 3(3)), then the weekend."""
    end, steps = CAL.atw_extend(D(2025, 5, 22), D(2025, 5, 29))
    assert end == D(2025, 6, 2)
    assert "2025-05-30 is a day equated with a holiday (Vrijdag na Hemelvaartsdag" in steps[0].text
    assert PLAIN.atw_extend(D(2025, 5, 22), D(2025, 5, 29))[0] == D(2025, 5, 30)


def test_atw_art_2_short_term_over_christmas_needs_two_working_days():
    """3 days from Wed 24 Dec 2025: 25, 26 holidays, 27 Saturday. Art. 1 gives Monday 29;
    the term then holds one working day only, so art. 2 extends it to Tuesday 30."""
    end, steps = CAL.atw_extend(D(2025, 12, 24), D(2025, 12, 27))
    assert end == D(2025, 12, 30)
    assert steps[0].date == D(2025, 12, 29)
    assert steps[1] == Step(
        "atw-2",
        "term from 2025-12-25 to 2025-12-29 has only 1 day (2025-12-29) that is not a "
        "Saturday, Sunday or holiday → at least two are required → extended to 2025-12-30",
        D(2025, 12, 30),
    )


def test_atw_art_2_christmas_2024_with_the_decree_friday():
    """3 days from Tue 24 Dec 2024: 25, 26 holidays, 27 decree day, weekend → 31 Dec."""
    assert CAL.atw_extend(D(2024, 12, 24), D(2024, 12, 27))[0] == D(2024, 12, 31)
    assert PLAIN.atw_extend(D(2024, 12, 24), D(2024, 12, 27))[0] == D(2024, 12, 30)


def test_atw_art_2_three_days_from_friday_end_on_tuesday():
    """Fri → Mon holds Sat, Sun, Mon: one working day; art. 2 extends to Tuesday."""
    assert CAL.atw_extend(D(2025, 3, 7), D(2025, 3, 10))[0] == D(2025, 3, 11)


def test_atw_art_2_does_not_apply_to_terms_shorter_than_three_days():
    end, steps = CAL.atw_extend(D(2025, 3, 7), D(2025, 3, 9))
    assert end == D(2025, 3, 10)
    assert [s.rule for s in steps] == ["atw-1"]


def test_atw_extend_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="cannot end"):
        CAL.atw_extend(D(2025, 3, 7), D(2025, 3, 6))


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        (D(2025, 3, 3), D(2025, 3, 7), 4),
        (D(2025, 3, 7), D(2025, 3, 7), 0),
        (D(2025, 3, 8), D(2025, 3, 10), 1),
        (D(2025, 4, 17), D(2025, 4, 22), 1),  # Good Friday, weekend, Easter Monday
        (D(2025, 3, 8), D(2025, 3, 7), -1),  # overdue since Friday
        (D(2025, 3, 10), D(2025, 3, 7), -1),
        (D(2025, 3, 11), D(2025, 3, 7), -2),
    ],
)
def test_working_days_left_counts_non_rest_days(today, due, left):
    assert CAL.working_days_left(today, due) == left


def test_service_norm_skips_weekends_holidays_and_closing_days():
    norm = ServiceNormCalendar(closing_days={D(2025, 12, 24): "Kerstavond"})
    assert norm.add_working_days(D(2025, 12, 23), 2) == D(2025, 12, 30)
    assert norm.closed_because(D(2025, 12, 24)) == "Kerstavond"
    assert norm.closed_because(D(2025, 12, 25)) == "Eerste kerstdag"
    assert norm.closed_because(D(2025, 12, 27)) == "Saturday"
    assert norm.working_days_between(D(2025, 12, 23), D(2025, 12, 30)) == 2


def test_service_norm_does_not_follow_atw_decree_days_unless_given():
    """Decree days (Atw art. 3(3)) are for statutory terms; the municipality decides."""
    assert ServiceNormCalendar().is_working_day(D(2025, 5, 30))
    assert not ServiceNormCalendar(national=CAL).is_working_day(D(2025, 5, 30))


def test_service_norm_open_days_override_a_national_holiday():
    open_on_may_5 = ServiceNormCalendar(open_days={D(2026, 5, 5): "open"})
    assert open_on_may_5.add_working_days(D(2026, 5, 4), 1) == D(2026, 5, 5)
    assert ServiceNormCalendar().add_working_days(D(2026, 5, 4), 1) == D(2026, 5, 6)


@pytest.mark.parametrize(
    ("a", "b", "between"),
    [
        (D(2025, 3, 3), D(2025, 3, 3), 0),
        (D(2025, 3, 7), D(2025, 3, 10), 1),  # Friday → Monday
        (D(2025, 3, 8), D(2025, 3, 9), 0),  # weekend
        (D(2025, 3, 10), D(2025, 3, 7), -1),  # Monday back to Friday
        (D(2025, 3, 8), D(2025, 3, 7), -1),  # Saturday back to Friday
        (D(2025, 3, 10), D(2025, 3, 3), -5),
    ],
)
def test_working_days_between_is_signed(a, b, between):
    assert ServiceNormCalendar().working_days_between(a, b) == between


def test_add_working_days_backwards_and_zero():
    norm = ServiceNormCalendar()
    assert norm.add_working_days(D(2025, 3, 8), -1) == D(2025, 3, 7)
    assert norm.add_working_days(D(2025, 3, 10), -1) == D(2025, 3, 7)
    assert norm.add_working_days(D(2025, 3, 8), 0) == D(2025, 3, 8)


def _second_working_day_after(cal, start):
    day, found = start, 0
    while found < 2:
        day += ONE_DAY
        found += not cal.is_rest_day(day)
    return day


def _art2_then_art1(cal, start, raw_end):
    """Atw art. 2 first, then art. 1: the other order, written independently."""
    end = raw_end
    if (raw_end - start).days >= 3:
        end = max(raw_end, _second_working_day_after(cal, start))
    return cal.next_working_day(end)


@settings(deadline=None)
@given(start=dates, length=st.integers(min_value=0, max_value=84))
def test_atw_extended_end_is_never_a_saturday_sunday_or_holiday(start, length):
    """Atw art. 1: property over every start and every term up to 12 weeks."""
    raw_end = start + length * ONE_DAY
    end, _ = CAL.atw_extend(start, raw_end)
    assert end >= raw_end
    assert end.weekday() < 5
    assert not CAL.is_holiday(end)


@settings(deadline=None)
@given(start=dates, length=st.integers(min_value=3, max_value=84))
def test_atw_art_2_term_holds_two_working_days(start, length):
    end, _ = CAL.atw_extend(start, start + length * ONE_DAY)
    working = [
        start + n * ONE_DAY
        for n in range(1, (end - start).days + 1)
        if not CAL.is_rest_day(start + n * ONE_DAY)
    ]
    assert len(working) >= 2


@settings(deadline=None)
@given(start=dates, length=st.integers(min_value=0, max_value=84))
def test_atw_art_1_and_2_commute(start, length):
    """Applying art. 2 before art. 1 gives the same end as art. 1 before art. 2."""
    raw_end = start + length * ONE_DAY
    assert CAL.atw_extend(start, raw_end)[0] == _art2_then_art1(CAL, start, raw_end)


@settings(deadline=None)
@given(start=dates, length=st.integers(min_value=0, max_value=84))
def test_atw_end_is_monotone_in_the_start(start, length):
    later = start + ONE_DAY
    assert (
        CAL.atw_extend(start, start + length * ONE_DAY)[0]
        <= CAL.atw_extend(later, later + length * ONE_DAY)[0]
    )


NORM = ServiceNormCalendar(
    closing_days={D(2025, 12, 24): "Kerstavond", D(2025, 12, 31): "Oudjaarsdag"}, national=CAL
)


@settings(deadline=None)
@given(a=dates, n=st.integers(min_value=-60, max_value=60))
def test_working_days_between_inverts_add_working_days(a, n):
    assert NORM.working_days_between(a, NORM.add_working_days(a, n)) == n


@settings(deadline=None)
@given(a=dates, b=dates)
def test_add_working_days_inverts_working_days_between_to_a_working_day(a, b):
    b = NORM.add_working_days(b, 1) if not NORM.is_working_day(b) else b
    assert NORM.add_working_days(a, NORM.working_days_between(a, b)) == b


@given(
    day=st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2030, 12, 31)),
    closed=st.sets(
        st.dates(min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2031, 1, 31)),
        max_size=20,
    ),
)
def test_a_municipal_date_is_always_a_working_day(day, closed):
    """docs/legal.md: a date the municipality sets (a repair term's end, a hearing, a pay-by
    date) is never a Saturday, Sunday, (decree) holiday or closing day, and is the first
    such day from the day asked for."""
    from cases.legal.calendar import ServiceNormCalendar

    municipal = ServiceNormCalendar(
        {d: "dicht" for d in closed}, national=LegalCalendar(decree_days=DECREE_DAYS)
    )
    found = municipal.next_working_day(day)
    assert found >= day
    assert found.weekday() < 5
    assert found not in closed
    assert not LegalCalendar(decree_days=DECREE_DAYS).is_holiday(found)
    between = [day + datetime.timedelta(days=n) for n in range((found - day).days)]
    assert not any(municipal.is_working_day(d) for d in between)


# A calendar remembers each day's answer (it is kept per process and asked about the same
# days by every request): what it remembers must be what it would compute afresh.
@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(D(2020, 1, 1), D(2032, 12, 31)), min_size=1, max_size=40))
def test_remembered_days_answer_as_a_fresh_calendar(days):
    legal = LegalCalendar(decree_days=DECREE_DAYS)
    norm = ServiceNormCalendar({D(2026, 12, 24): "Kerstavond"}, open_days={D(2025, 5, 5): "open"})
    for day in days + days:  # the second pass reads what the first remembered
        assert legal.is_rest_day(day) == LegalCalendar(decree_days=DECREE_DAYS).is_rest_day(day)
        fresh = ServiceNormCalendar(
            {D(2026, 12, 24): "Kerstavond"}, open_days={D(2025, 5, 5): "open"}
        )
        assert norm.is_working_day(day) == fresh.is_working_day(day)


def test_remembered_days_are_bounded(monkeypatch):
    monkeypatch.setattr(calendar, "MEMO_DAYS", 10)
    cal = LegalCalendar()
    for n in range(25):
        cal.is_rest_day(D(2026, 1, 1) + n * ONE_DAY)
    assert 0 < len(cal._rest) <= 10
    assert cal.is_rest_day(D(2026, 1, 1)) is True  # Nieuwjaarsdag, after the memo was cleared

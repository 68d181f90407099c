"""The Awb terms for complaints and objections, with the Atw and its art. 4 exclusion."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.legal.calendar import ONE_DAY, LegalCalendar
from cases.legal.terms import (
    TERMS,
    Interpretation,
    TermResult,
    complaint_handling,
    complaint_not_handled_notice,
    objection_decision,
    objection_period,
    objection_timeliness,
    suspension_days,
)
from tests.cases.legal.test_calendar import DECREE_DAYS

D = datetime.date
CAL = LegalCalendar(decree_days=DECREE_DAYS)
dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2030, 6, 30))


def rules(result: TermResult) -> list[str]:
    return [step.rule for step in result.steps]


# Objection period (Awb 6:7, 6:8)


def test_awb_6_8_objection_period_raw_end_sunday_then_liberation_day():
    """The issue's example: made known 23 March 2025; 6 weeks from the next day end on
    Sunday 4 May; Monday 5 May is a holiday (Atw art. 3), so the period ends Tuesday 6 May."""
    period = objection_period(D(2025, 3, 23), CAL)
    assert period.term == "objection-period"
    assert period.start_date == D(2025, 3, 24)
    assert period.raw_end_date == D(2025, 5, 4)
    assert period.end_date == D(2025, 5, 6)
    assert period.atw_applied
    assert period.legal_basis == "Awb 6:7, 6:8; Atw art. 1-3"
    assert rules(period) == ["awb-6:8", "atw-4", "atw-1", "atw-2"]
    assert period.steps[2].text == (
        "raw end 2025-05-04 is a Sunday → next day 2025-05-05 is a holiday "
        "(Bevrijdingsdag, Atw art. 3) → 2025-05-06"
    )


def test_awb_6_7_objection_period_is_six_weeks_on_a_working_day():
    period = objection_period(D(2025, 3, 25), CAL)
    assert period.end_date == period.raw_end_date == D(2025, 5, 6)


def test_awb_6_7_objection_period_ending_on_a_decree_day():
    """6 weeks after Good Friday 2025 end on Friday 30 May, a decree day (Atw art. 3(3))."""
    assert objection_period(D(2025, 4, 18), CAL).end_date == D(2025, 6, 2)
    assert objection_period(D(2025, 4, 18), LegalCalendar()).end_date == D(2025, 5, 30)


# Timeliness (Awb 6:9, 6:10, 6:11)

END = D(2025, 5, 6)  # Tuesday


def test_awb_6_9_1_received_on_the_last_day_is_on_time():
    result = objection_timeliness(END, END)
    assert result.on_time
    assert result.rule == "awb-6:9(1)"


def test_awb_6_9_1_received_the_day_after_without_post_is_late():
    result = objection_timeliness(END + ONE_DAY, END)
    assert not result.on_time
    assert result.rule == "awb-6:9(1)"
    assert "Awb 6:11" in result.reason


def test_awb_6_9_2_posted_on_the_last_day_received_a_week_later_is_on_time():
    result = objection_timeliness(D(2025, 5, 13), END, posted=END)
    assert result.on_time
    assert result.rule == "awb-6:9(2)"


def test_awb_6_9_2_received_eight_days_after_the_end_is_late():
    result = objection_timeliness(D(2025, 5, 14), END, posted=END)
    assert not result.on_time
    assert result.rule == "awb-6:9(2)"


def test_awb_6_9_2_posted_the_day_after_the_end_is_late():
    result = objection_timeliness(D(2025, 5, 8), END, posted=D(2025, 5, 7))
    assert not result.on_time
    assert result.rule == "awb-6:9(2)"


def test_awb_6_9_2_postal_week_with_the_atw_runs_past_ascension_and_its_friday():
    """Period ends Thu 22 May 2025; the week after ends on Ascension Day 29 May. Counted
    plainly the letter received Mon 2 June is late; with the Atw the week runs to 2 June."""
    period_end = D(2025, 5, 22)
    assert not objection_timeliness(D(2025, 6, 2), period_end, posted=period_end).on_time
    with_atw = objection_timeliness(D(2025, 6, 2), period_end, posted=period_end, cal=CAL)
    assert with_atw.on_time
    assert "until 2025-06-02" in with_atw.reason


def test_awb_6_10_premature_objection_is_on_time():
    result = objection_timeliness(D(2025, 3, 21), END, period_start=D(2025, 3, 24))
    assert result.on_time
    assert result.rule == "awb-6:10"
    on_first_day = objection_timeliness(D(2025, 3, 24), END, period_start=D(2025, 3, 24))
    assert on_first_day.rule == "awb-6:9(1)"


def test_timeliness_refuses_a_letter_posted_after_it_was_received():
    with pytest.raises(ValueError, match="posted"):
        objection_timeliness(D(2025, 5, 6), END, posted=D(2025, 5, 7))


# Complaint handling (Awb 9:11, 9:8)


def test_awb_9_11_1_complaint_six_weeks_after_receipt():
    result = complaint_handling(D(2025, 3, 3), CAL)
    assert result.end_date == D(2025, 4, 14)
    assert result.start_date == D(2025, 3, 4)
    assert result.atw_applied
    assert result.legal_basis == "Awb 9:11(1); Atw art. 1-3"


def test_awb_9_11_1_complaint_ten_weeks_with_an_advisory_committee():
    assert complaint_handling(D(2025, 3, 3), CAL, with_committee=True).end_date == D(2025, 5, 12)


def test_awb_9_11_2_postponement_of_four_weeks():
    result = complaint_handling(D(2025, 3, 3), CAL, extension_weeks=4)
    assert result.end_date == D(2025, 5, 12)
    assert result.legal_basis == "Awb 9:11(1), 9:11(2); Atw art. 1-3"
    assert "awb-9:11(2)" in rules(result)


def test_awb_9_11_2_postponement_longer_than_four_weeks_is_refused():
    with pytest.raises(ValueError, match=r"at most 4 .*Awb 9:11\(2\)"):
        complaint_handling(D(2025, 3, 3), CAL, extension_weeks=5)


@pytest.mark.parametrize(
    "params",
    [{"extension_weeks": -1}, {"consented_weeks": -2}, {"extension_weeks": 1.5}],
)
def test_complaint_weeks_must_be_whole_and_not_negative(params):
    with pytest.raises(ValueError, match=r"extension_weeks|consented_weeks"):
        complaint_handling(D(2025, 3, 3), CAL, **params)


def test_awb_9_11_2_further_postponement_with_consent_has_no_maximum():
    result = complaint_handling(D(2025, 3, 3), CAL, extension_weeks=4, consented_weeks=20)
    assert result.end_date == D(2025, 3, 3) + 30 * 7 * ONE_DAY
    assert not result.atw_applied


def test_atw_art_4_excludes_a_complaint_term_extended_beyond_12_weeks():
    """10 weeks with a committee + 4 weeks postponement = 14 weeks: no Atw, so the term
    ends on Saturday 7 June 2025 (received Saturday 1 March, e.g. online)."""
    result = complaint_handling(D(2025, 3, 1), CAL, with_committee=True, extension_weeks=4)
    assert result.end_date == D(2025, 6, 7)
    assert result.end_date.weekday() == 5
    assert not result.atw_applied
    assert result.legal_basis.endswith("Atw excluded (art. 4)")
    assert "longer than 12 weeks → the Atw does not apply" in result.steps[-1].text


def test_atw_art_4_a_term_of_exactly_12_weeks_is_not_longer_so_the_atw_applies():
    result = complaint_handling(D(2025, 3, 1), CAL, with_committee=True, extension_weeks=2)
    assert result.raw_end_date == D(2025, 5, 24)  # Saturday
    assert result.end_date == D(2025, 5, 26)
    assert result.atw_applied


def test_atw_art_4_judged_on_the_statutory_term_alone_when_configured():
    result = complaint_handling(
        D(2025, 3, 1),
        CAL,
        with_committee=True,
        extension_weeks=4,
        interpretation=Interpretation(art4_on_extended_term=False),
    )
    assert result.atw_applied
    assert result.end_date == D(2025, 6, 10)  # Sat 7 June, Sun, Whit Monday 9 June


def test_extension_added_to_unextended_end_by_default():
    """Received Sat 8 Mar 2025: 6 weeks end Sat 19 Apr → (Easter) Tue 22 Apr. One week
    more: default 26 Apr (King's Day, Saturday) → Mon 28 Apr; added to the extended end
    instead: Tue 29 Apr."""
    default = complaint_handling(D(2025, 3, 8), CAL, extension_weeks=1)
    assert default.end_date == D(2025, 4, 28)
    assert "interpretation" in rules(default)
    other = complaint_handling(
        D(2025, 3, 8),
        CAL,
        extension_weeks=1,
        interpretation=Interpretation(extension_from_unextended_end=False),
    )
    assert other.end_date == D(2025, 4, 29)


def test_awb_9_8_2_notice_not_handled_within_four_weeks():
    """4 weeks after 24 March 2025 is Easter Monday → Tuesday 22 April."""
    result = complaint_not_handled_notice(D(2025, 3, 24), CAL)
    assert result.end_date == D(2025, 4, 22)
    assert result.legal_basis == "Awb 9:8(2); Atw art. 1-3"


# Objection decision (Awb 7:10, 7:13)


def test_awb_7_10_1_decision_six_weeks_from_the_day_after_the_period():
    result = objection_decision(D(2025, 5, 6), CAL)
    assert result.start_date == D(2025, 5, 7)
    assert result.end_date == D(2025, 6, 17)
    assert result.legal_basis == "Awb 7:10(1); Atw art. 1-3"


def test_awb_7_13_decision_twelve_weeks_with_a_committee_atw_still_applies():
    result = objection_decision(D(2025, 5, 6), CAL, with_committee=True)
    assert result.end_date == D(2025, 7, 29)
    assert result.atw_applied
    assert result.legal_basis == "Awb 7:10(1), 7:13; Atw art. 1-3"


def test_awb_7_10_3_postponement_of_six_weeks_makes_twelve_and_keeps_the_atw():
    result = objection_decision(D(2025, 5, 6), CAL, postponement_weeks=6)
    assert result.end_date == D(2025, 7, 29)
    assert result.atw_applied


def test_awb_7_10_3_postponement_over_six_weeks_is_refused():
    with pytest.raises(ValueError, match=r"at most 6 .*Awb 7:10\(3\)"):
        objection_decision(D(2025, 5, 6), CAL, postponement_weeks=7)


def test_awb_7_10_4_committee_postponement_and_consent_exclude_the_atw():
    result = objection_decision(
        D(2025, 5, 6), CAL, with_committee=True, postponement_weeks=6, further_weeks=2
    )
    assert result.end_date == D(2025, 5, 6) + 20 * 7 * ONE_DAY
    assert not result.atw_applied
    assert result.legal_basis == "Awb 7:10(1), 7:10(3), 7:10(4), 7:13; Atw excluded (art. 4)"


def test_awb_7_10_2_suspension_days_exclude_the_day_of_repair():
    """Asked to repair on Mon 12 May, repaired Mon 26 May: 13 to 25 May, 13 days."""
    assert suspension_days(D(2025, 5, 12), D(2025, 5, 26)) == 13
    assert suspension_days(D(2025, 5, 12), D(2025, 5, 13)) == 0
    inclusive = Interpretation(suspension_includes_repair_day=True)
    assert suspension_days(D(2025, 5, 12), D(2025, 5, 26), inclusive) == 14
    with pytest.raises(ValueError, match="before the request"):
        suspension_days(D(2025, 5, 12), D(2025, 5, 11))


def test_awb_7_10_2_suspended_days_are_added():
    result = objection_decision(D(2025, 5, 6), CAL, suspended_days=13)
    assert result.end_date == D(2025, 6, 30)
    assert "awb-7:10(2)" in rules(result)


def test_awb_7_10_2_suspension_does_not_lengthen_a_12_week_term_for_atw_art_4():
    """12 weeks (committee) end Tue 29 Jul 2025; 4 suspended days → Sat 2 Aug. The term
    is still 12 weeks, so the Atw applies → Mon 4 Aug. Counting the suspension as
    lengthening the term (configurable) leaves Saturday."""
    result = objection_decision(D(2025, 5, 6), CAL, with_committee=True, suspended_days=4)
    assert result.raw_end_date == D(2025, 8, 2)
    assert result.end_date == D(2025, 8, 4)
    counted = objection_decision(
        D(2025, 5, 6),
        CAL,
        with_committee=True,
        suspended_days=4,
        interpretation=Interpretation(suspension_counts_for_art4=True),
    )
    assert counted.end_date == D(2025, 8, 2)
    assert not counted.atw_applied


def test_awb_7_10_committee_postponement_and_suspension_together():
    result = objection_decision(
        D(2025, 5, 6), CAL, with_committee=True, postponement_weeks=3, suspended_days=13
    )
    assert result.end_date == D(2025, 5, 6) + (15 * 7 + 13) * ONE_DAY
    assert not result.atw_applied
    assert rules(result)[:3] == ["awb-7:10", "awb-7:10(2)", "awb-7:10(3)"]


def test_decision_term_counts_from_the_atw_extended_period_end_by_default():
    """Period: raw end Sun 4 May, Atw end Tue 6 May 2025 → decision 17 June. Counting from
    the raw end (configurable): 15 June, a Sunday → 16 June."""
    period = objection_period(D(2025, 3, 23), CAL)
    default = objection_decision(period, CAL)
    assert default.end_date == D(2025, 6, 17)
    assert default.steps[0].rule == "interpretation"
    raw = objection_decision(
        period, CAL, interpretation=Interpretation(decision_term_from_extended_period_end=False)
    )
    assert raw.start_date == D(2025, 5, 5)
    assert raw.end_date == D(2025, 6, 16)


@pytest.mark.parametrize(
    "params", [{"suspended_days": -1}, {"further_weeks": -1}, {"postponement_weeks": "2"}]
)
def test_objection_decision_parameters_must_be_whole_and_not_negative(params):
    with pytest.raises(ValueError, match=r"must be a whole number|cannot be negative"):
        objection_decision(D(2025, 5, 6), CAL, **params)


def test_terms_are_named_for_the_api_and_take_a_date_and_a_calendar():
    assert set(TERMS) >= {"objection-period", "objection-decision", "complaint-handling"}
    for name, function in TERMS.items():
        result = function(D(2025, 3, 3), CAL)
        assert result.term == name
        assert result.end_date >= result.start_date
        assert result.steps


# Properties

extension = st.integers(min_value=0, max_value=4)
interpretations = st.builds(
    Interpretation,
    decision_term_from_extended_period_end=st.booleans(),
    extension_from_unextended_end=st.booleans(),
    art4_on_extended_term=st.booleans(),
    suspension_counts_for_art4=st.just(False),
    suspension_includes_repair_day=st.booleans(),
)


@settings(deadline=None)
@given(made_known=dates)
def test_objection_period_end_is_a_working_day_and_monotone(made_known):
    """Atw art. 1 on the 6-week term of Awb 6:7, for every day it can be made known."""
    end = objection_period(made_known, CAL).end_date
    assert end.weekday() < 5
    assert not CAL.is_holiday(end)
    assert end <= objection_period(made_known + ONE_DAY, CAL).end_date


@settings(deadline=None)
@given(received=dates, committee=st.booleans(), weeks=extension, consent=extension)
def test_complaint_extension_never_shortens_the_term(received, committee, weeks, consent):
    """Awb 9:11(2) with Atw art. 4: one more week of extension never ends it earlier."""

    def end(extension_weeks: int, consented_weeks: int) -> datetime.date:
        return complaint_handling(
            received,
            CAL,
            with_committee=committee,
            extension_weeks=extension_weeks,
            consented_weeks=consented_weeks,
        ).end_date

    assert end(weeks, consent) <= end(weeks, consent + 1)
    if weeks < 4:
        assert end(weeks, consent) <= end(weeks + 1, consent)


@settings(deadline=None)
@given(
    period_end=dates,
    committee=st.booleans(),
    postponement=st.integers(min_value=0, max_value=5),
    suspended=st.integers(min_value=0, max_value=60),
    interpretation=interpretations,
)
def test_objection_decision_extension_never_shortens_the_term(
    period_end, committee, postponement, suspended, interpretation
):
    """Awb 7:10(2)-(4): more postponement, consent or suspension never ends it earlier."""

    def end(**changes):
        params = {
            "with_committee": committee,
            "postponement_weeks": postponement,
            "suspended_days": suspended,
            "interpretation": interpretation,
        }
        return objection_decision(period_end, CAL, **{**params, **changes}).end_date

    now = end()
    assert now <= end(postponement_weeks=postponement + 1)
    assert now <= end(suspended_days=suspended + 1)
    assert now <= end(further_weeks=1)
    assert end(with_committee=False) <= end(with_committee=True)


def test_an_extension_never_ends_the_term_before_the_unextended_term():
    """12 weeks from Sat 3 May 2025 end Sat 26 July → Mon 28 July (Atw). With one
    suspended day counted as lengthening (configurable), Atw art. 4 would exclude the
    term and it would end Sun 27 July, earlier than without the suspension; the term
    then ends when the unextended term does."""
    base = objection_decision(D(2025, 5, 3), CAL, with_committee=True)
    assert base.end_date == D(2025, 7, 28)
    counted = objection_decision(
        D(2025, 5, 3),
        CAL,
        with_committee=True,
        suspended_days=1,
        interpretation=Interpretation(suspension_counts_for_art4=True),
    )
    assert counted.raw_end_date == D(2025, 7, 27)
    assert counted.end_date == D(2025, 7, 28)
    assert counted.steps[-1].rule == "extension"
    default = objection_decision(D(2025, 5, 3), CAL, with_committee=True, suspended_days=1)
    assert default.end_date == D(2025, 7, 28)
    assert default.atw_applied


# Suspension before the decision term has started (Awb 7:10(2)) and late objections


def test_awb_7_10_2_suspension_before_the_term_started_adds_nothing_by_default():
    """A repair asked during the objection period: the term that was not yet running
    has nothing to suspend; only days from its first day count."""
    first_day = D(2025, 5, 7)
    assert suspension_days(D(2025, 4, 1), D(2025, 4, 10), term_starts=first_day) == 0
    assert suspension_days(D(2025, 5, 1), D(2025, 5, 12), term_starts=first_day) == 5


def test_awb_7_10_2_suspension_before_the_term_counts_when_configured():
    reading = Interpretation(suspension_before_term_counts=True)
    first_day = D(2025, 5, 7)
    assert suspension_days(D(2025, 4, 1), D(2025, 4, 10), reading, term_starts=first_day) == 8
    assert suspension_days(D(2025, 5, 1), D(2025, 5, 12), reading, term_starts=first_day) == 10


@given(requested=dates, pause=st.integers(0, 60), start=st.integers(-60, 60))
def test_suspension_inside_the_term_never_exceeds_the_whole_suspension(requested, pause, start):
    repaired = requested + pause * ONE_DAY
    whole = suspension_days(requested, repaired)
    inside = suspension_days(requested, repaired, term_starts=requested + start * ONE_DAY)
    assert 0 <= inside <= whole
    if start <= 1:  # the term was running the day after the request
        assert inside == whole


def test_awb_7_10_1_a_late_objection_counts_from_the_day_after_receipt():
    from cases.legal.terms import decision_term_counted_from

    period = objection_period(D(2025, 1, 6), CAL)  # ends Monday 17 February 2025
    counted, step = decision_term_counted_from(period, D(2025, 4, 1))
    assert counted == D(2025, 4, 1)
    assert "6:11" in step.text
    by_the_letter = Interpretation(decision_term_from_receipt_after_period=False)
    assert decision_term_counted_from(period, D(2025, 4, 1), by_the_letter)[0] == D(2025, 2, 17)
    assert decision_term_counted_from(period, D(2025, 2, 3))[0] == D(2025, 2, 17)  # on time

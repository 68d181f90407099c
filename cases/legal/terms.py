"""The Awb terms for complaints and objections, with the Algemene termijnenwet (Atw).

Counting (docs/legal.md, "Counting terms"): a term of N weeks after day D ends on
D + 7·N days; D itself does not count. The Atw (art. 1 and 2, see ``LegalCalendar``)
extends a statutory term that ends on a rest day or holds too few working days, but not a
term longer than 12 weeks (Atw art. 4).

Where the law is not settled the municipality chooses; ``Interpretation`` holds those
choices with the defaults in the README ("Legal interpretations"), and every result
explains in its steps which one it used. Each function returns a ``TermResult``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from cases.legal.calendar import ONE_DAY, LegalCalendar, Step

WEEK = 7
ATW_MAX_DAYS = 12 * WEEK  # Atw art. 4: not for terms longer than 12 weeks (or 3 months, 90 days)
COMPLAINT_POSTPONEMENT_MAX_WEEKS = 4  # Awb 9:11(2)
OBJECTION_POSTPONEMENT_MAX_WEEKS = 6  # Awb 7:10(3)
POSTAL_GRACE_DAYS = 7  # Awb 6:9(2)


@dataclass(frozen=True)
class TermResult:
    """A computed term.

    ``start_date`` is the first day of the term (the day after the day it is counted
    from), ``end_date`` its last day, ``raw_end_date`` the last day by plain counting,
    before the Atw. ``atw_applied`` says whether the Atw governs this term (it may still
    leave the date as it is); it is False when Atw art. 4 excludes the term.
    """

    term: str
    start_date: datetime.date
    end_date: datetime.date
    legal_basis: str
    steps: list[Step]
    atw_applied: bool
    raw_end_date: datetime.date


@dataclass(frozen=True)
class Interpretation:
    """The municipality's reading where the law is not settled; defaults in the README.

    - ``decision_term_from_extended_period_end``: the objection decision term (Awb 7:10)
      starts the day after the Atw-extended end of the objection period (True), or after
      its end by plain counting (False). Only used when ``objection_decision`` is given the
      objection period's ``TermResult``; a plain date is used as given.
    - ``extension_from_unextended_end``: an extension (postponement, consent, suspension) is
      added to the end by plain counting and the Atw is applied once to the result (True),
      or added to the Atw-extended end with the Atw applied again after each step (False).
    - ``art4_on_extended_term``: Atw art. 4 looks at the term as extended (True: a 10-week
      term postponed by 4 weeks is a 14-week term, so no Atw) or at the statutory term alone.
      A 12-week term is not "longer than 12 weeks", so the Atw applies to it either way.
    - ``suspension_counts_for_art4``: whether suspended days (Awb 7:10(2)) make the term
      longer for art. 4. Default False: a suspension stops the clock, the term itself stays
      as long as it was; counting it would let a 12-week term plus one suspended day end on
      a Sunday, a day earlier than the same term without suspension.
    - ``suspension_includes_repair_day``: ``suspension_days`` counts from the day after the
      repair request up to but not including the day of repair (False, 7:10(2) "tot de dag
      waarop het verzuim is hersteld") or including it (True).
    - ``suspension_before_term_counts``: whether suspended days that fall before the
      decision term has started (a repair asked during the objection period, the usual
      pro-forma case) are added (True) or only the suspended days inside the running term
      (False, the default: 7:10(2) suspends a running term; a term that has not started
      has nothing to suspend).
    - ``atw_on_short_terms``: whether the Atw applies to the postal week of 6:9(2) and to
      the two-week terms of 4:17(3) and 4:18 (True, the default: they are statutory terms
      and 4:17(1) excludes only the 42 penalty days) or they are counted plainly (False).
    - ``decision_term_from_receipt_after_period``: an objection received after the
      objection period ended (posted in time, 6:9(2), or late but excused, 6:11) has its
      decision term counted from the day after its receipt (True, the default: a term to
      decide cannot run before there is anything to decide on) or, by the letter of
      7:10(1), from the day after the period ended (False).
    """

    decision_term_from_extended_period_end: bool = True
    extension_from_unextended_end: bool = True
    art4_on_extended_term: bool = True
    suspension_counts_for_art4: bool = False
    suspension_includes_repair_day: bool = False
    suspension_before_term_counts: bool = False
    atw_on_short_terms: bool = True
    decision_term_from_receipt_after_period: bool = True


DEFAULT_INTERPRETATION = Interpretation()


@dataclass(frozen=True)
class Timeliness:
    """Whether an objection came in time (Awb 6:9, 6:10); ``rule`` the article that decided."""

    on_time: bool
    rule: str
    reason: str


@dataclass(frozen=True)
class _Part:
    """One piece of a term: the statutory term itself or one extension of it."""

    days: int
    rule: str
    text: str
    counts_for_art4: bool = True


def _whole(name: str, value: object, *, maximum: int | None = None, rule: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {value!r}.")
    if value < 0:
        raise ValueError(f"{name} cannot be negative ({value}).")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} is at most {maximum} ({rule}); {value} was given.")
    return value


def _length(days: int) -> str:
    if days % WEEK:
        return f"{days} days"
    weeks = days // WEEK
    return f"{weeks} week" if weeks == 1 else f"{weeks} weeks"


def _article_4(parts: list[_Part], interpretation: Interpretation) -> tuple[bool, Step]:
    """Atw art. 4: the Atw does not apply to a term longer than 12 weeks."""
    if interpretation.art4_on_extended_term:
        length = sum(p.days for p in parts if p.counts_for_art4)
    else:
        length = parts[0].days
    extended = interpretation.art4_on_extended_term and any(p.counts_for_art4 for p in parts[1:])
    what = "the term as extended is" if extended else "the term is"
    note = ""
    if interpretation.art4_on_extended_term and any(not p.counts_for_art4 for p in parts):
        note = " (suspended days stop the clock and do not make the term longer)"
    if length > ATW_MAX_DAYS:
        text = f"{what} {_length(length)}{note}, longer than 12 weeks → the Atw does not apply"
        return False, Step("atw-4", text)
    text = f"{what} {_length(length)}{note}, not longer than 12 weeks → the Atw applies"
    return True, Step("atw-4", text)


def _compute(
    *,
    term: str,
    counted_from: datetime.date,
    cal: LegalCalendar,
    parts: list[_Part],
    basis: str,
    interpretation: Interpretation,
    lead: list[Step] | None = None,
) -> TermResult:
    steps = list(lead or [])
    applies, art4_step = _article_4(parts, interpretation)
    raw_end = counted_from + sum(p.days for p in parts) * ONE_DAY
    if len(parts) > 1 and applies:
        if interpretation.extension_from_unextended_end:
            how = (
                "extensions are added to the end by plain counting, and the Atw is applied "
                "once to the result"
            )
        else:
            how = "each extension is added to the Atw-extended end, and the Atw is applied again"
        steps.append(Step("interpretation", f"{how} (municipal interpretation)"))
    if applies and len(parts) > 1 and not interpretation.extension_from_unextended_end:
        steps.append(art4_step)
        end = counted_from
        for part in parts:
            end += part.days * ONE_DAY
            steps.append(Step(part.rule, f"{part.text} → {end}", end))
            end, atw_steps = cal.atw_extend(counted_from, end)
            steps.extend(atw_steps)
    else:
        end = counted_from
        for part in parts:
            end += part.days * ONE_DAY
            steps.append(Step(part.rule, f"{part.text} → {end}", end))
        steps.append(art4_step)
        if applies:
            end, atw_steps = cal.atw_extend(counted_from, end)
            steps.extend(atw_steps)
    if len(parts) > 1:
        unextended = _compute(
            term=term,
            counted_from=counted_from,
            cal=cal,
            parts=parts[:1],
            basis=basis,
            interpretation=interpretation,
        ).end_date
        if end < unextended:
            steps.append(
                Step(
                    "extension",
                    f"an extension cannot end the term earlier than it ends without one "
                    f"({unextended}) → {unextended}",
                    unextended,
                )
            )
            end = unextended
    legal_basis = f"{basis}; Atw art. 1-3" if applies else f"{basis}; Atw excluded (art. 4)"
    return TermResult(
        term=term,
        start_date=counted_from + ONE_DAY,
        end_date=end,
        legal_basis=legal_basis,
        steps=steps,
        atw_applied=applies,
        raw_end_date=raw_end,
    )


def objection_period(made_known: datetime.date, cal: LegalCalendar) -> TermResult:
    """The objection period: 6 weeks (Awb 6:7) from the day after the decision was made
    known (Awb 6:8: sent or handed over). The Atw applies (6 weeks, Atw art. 4)."""
    part = _Part(
        6 * WEEK,
        "awb-6:8",
        f"decision made known {made_known} → the period starts the next day, "
        f"{made_known + ONE_DAY} (Awb 6:8), and lasts 6 weeks (Awb 6:7)",
    )
    return _compute(
        term="objection-period",
        counted_from=made_known,
        cal=cal,
        parts=[part],
        basis="Awb 6:7, 6:8",
        interpretation=DEFAULT_INTERPRETATION,
    )


def objection_timeliness(
    received: datetime.date,
    period_end: datetime.date,
    posted: datetime.date | None = None,
    *,
    period_start: datetime.date | None = None,
    cal: LegalCalendar | None = None,
) -> Timeliness:
    """Whether an objection was made in time (Awb 6:9, 6:10).

    ``period_end`` is the last day of the objection period (``objection_period(...).end_date``,
    Atw applied). On time when received on or before it (6:9(1)). Sent by post: on time when
    posted on or before ``period_end`` ("voor het einde van de termijn ter post bezorgd")
    and received at the latest one week after it (6:9(2)). With a ``cal`` the Atw is also
    applied to that week (a week ending on a holiday runs to the next working day); without
    one the week is counted plainly. Whether the Atw governs this week is not settled; the
    caller chooses by passing the calendar or not.

    ``period_start`` (``objection_period(...).start_date``, the day after the decision was
    made known): an objection received before it is premature, and not inadmissible for
    that (6:10(1)) if the decision had been made by then, or the objector could reasonably
    think so. Without ``period_start`` no premature check is made.

    A late objection is inadmissible unless the objector cannot reasonably be blamed
    (6:11); that is judged case by case, so the reason says so.
    """
    if posted is not None and posted > received:
        raise ValueError(
            f"An objection cannot be posted ({posted}) after it was received ({received})."
        )
    if period_start is not None and period_start > period_end:
        raise ValueError(f"The period cannot start ({period_start}) after it ends ({period_end}).")
    if period_start is not None and received < period_start:
        return Timeliness(
            True,
            "awb-6:10",
            f"received {received}, before the objection period started on {period_start}: "
            "premature, which does not make it inadmissible if the decision had been made by "
            "then or the objector could reasonably think so (Awb 6:10(1))",
        )
    if received <= period_end:
        return Timeliness(
            True,
            "awb-6:9(1)",
            f"received {received}, on or before the end of the objection period {period_end} "
            "(Awb 6:9(1))",
        )
    late = (
        f"received {received}, after the end of the objection period {period_end}: late; "
        "inadmissible unless the objector cannot reasonably be blamed (Awb 6:11, judge and "
        "record case by case)"
    )
    if posted is None:
        return Timeliness(False, "awb-6:9(1)", late)
    if posted > period_end:
        return Timeliness(
            False, "awb-6:9(2)", f"posted {posted}, after the period ended on {period_end}; {late}"
        )
    grace_end = period_end + POSTAL_GRACE_DAYS * ONE_DAY
    if cal is not None:
        grace_end, _ = cal.atw_extend(period_end, grace_end)
    if received <= grace_end:
        return Timeliness(
            True,
            "awb-6:9(2)",
            f"posted {posted}, on or before the end of the period {period_end}, and received "
            f"{received}, within one week after it (until {grace_end}) (Awb 6:9(2))",
        )
    return Timeliness(
        False,
        "awb-6:9(2)",
        f"posted {posted} in time, but received more than one week after the period ended "
        f"(after {grace_end}); {late}",
    )


def complaint_handling(
    received: datetime.date,
    cal: LegalCalendar,
    *,
    with_committee: bool = False,
    extension_weeks: int = 0,
    consented_weeks: int = 0,
    interpretation: Interpretation = DEFAULT_INTERPRETATION,
) -> TermResult:
    """The complaint handling term (Awb 9:11).

    6 weeks after receipt, 10 weeks when an advisory person or committee (section 9.1.3)
    is involved (9:11(1)); postponed once by at most 4 weeks, with written notice
    (``extension_weeks``, 9:11(2)); further only with the complainant's written consent
    (``consented_weeks``, 9:11(2), no maximum). The Atw applies unless the term as extended
    is longer than 12 weeks (Atw art. 4, see ``Interpretation``).
    """
    extension_weeks = _whole(
        "extension_weeks",
        extension_weeks,
        maximum=COMPLAINT_POSTPONEMENT_MAX_WEEKS,
        rule="Awb 9:11(2): postponement once by at most 4 weeks; longer only with the "
        "complainant's written consent, given as consented_weeks",
    )
    consented_weeks = _whole("consented_weeks", consented_weeks)
    weeks = 10 if with_committee else 6
    who = (
        "with an advisory committee (Awb section 9.1.3) the term is 10 weeks"
        if with_committee
        else "the term is 6 weeks"
    )
    parts = [
        _Part(
            weeks * WEEK,
            "awb-9:11",
            f"complaint received {received}; {who} after receipt (Awb 9:11(1))",
        )
    ]
    basis = ["Awb 9:11(1)"]
    if extension_weeks:
        parts.append(
            _Part(
                extension_weeks * WEEK,
                "awb-9:11(2)",
                f"postponed once by {_length(extension_weeks * WEEK)} (Awb 9:11(2), at most 4 "
                "weeks, with written notice)",
            )
        )
    if consented_weeks:
        parts.append(
            _Part(
                consented_weeks * WEEK,
                "awb-9:11(2)",
                f"postponed by a further {_length(consented_weeks * WEEK)} with the "
                "complainant's written consent (Awb 9:11(2))",
            )
        )
    if extension_weeks or consented_weeks:
        basis.append("9:11(2)")
    return _compute(
        term="complaint-handling",
        counted_from=received,
        cal=cal,
        parts=parts,
        basis=", ".join(basis),
        interpretation=interpretation,
    )


def complaint_not_handled_notice(received: datetime.date, cal: LegalCalendar) -> TermResult:
    """The latest day to tell the complainant the complaint will not be handled (Awb 9:8(2)):
    as soon as possible, at the latest 4 weeks after receipt. The Atw applies."""
    part = _Part(
        4 * WEEK,
        "awb-9:8",
        f"complaint received {received}; notice that it is not handled at the latest "
        "4 weeks after receipt (Awb 9:8(2))",
    )
    return _compute(
        term="complaint-not-handled-notice",
        counted_from=received,
        cal=cal,
        parts=[part],
        basis="Awb 9:8(2)",
        interpretation=DEFAULT_INTERPRETATION,
    )


def suspension_days(
    requested: datetime.date,
    repaired: datetime.date,
    interpretation: Interpretation = DEFAULT_INTERPRETATION,
    *,
    term_starts: datetime.date | None = None,
) -> int:
    """Days the objection decision term is suspended for a repair request (Awb 7:10(2)).

    From the day after the day the objector was asked to repair an omission up to the day
    it was repaired, or the last day of the repair term when it lapsed unused
    (``repaired``: the day it happened, never the day it was recorded); that day itself is
    not counted unless ``interpretation.suspension_includes_repair_day``.

    ``term_starts`` is the decision term's first day: suspended days before it count only
    with ``interpretation.suspension_before_term_counts``.
    """
    if repaired < requested:
        raise ValueError(f"Repair ({repaired}) cannot come before the request ({requested}).")
    first = requested + ONE_DAY
    last = repaired if interpretation.suspension_includes_repair_day else repaired - ONE_DAY
    if term_starts is not None and not interpretation.suspension_before_term_counts:
        first = max(first, term_starts)
    return max((last - first).days + 1, 0)


def decision_term_counted_from(
    period: TermResult,
    received: datetime.date | None,
    interpretation: Interpretation = DEFAULT_INTERPRETATION,
) -> tuple[datetime.date, Step]:
    """The day the objection decision term (Awb 7:10(1)) is counted from: the term starts
    the day after it.

    Normally the end of the objection period (``period``, from ``objection_period``), as
    ``interpretation.decision_term_from_extended_period_end`` reads it. An objection
    received after that end (in time by the postal rule of 6:9(2), or late and excused
    under 6:11) is counted from its day of receipt (``received``, None when unknown) when
    ``interpretation.decision_term_from_receipt_after_period``.
    """
    if interpretation.decision_term_from_extended_period_end:
        end, which = period.end_date, "its Atw-extended end"
    else:
        end, which = period.raw_end_date, "its end by plain counting, without the Atw"
    late = received is not None and received > end
    if late and interpretation.decision_term_from_receipt_after_period:
        return received, Step(
            "interpretation",
            f"the objection was received {received}, after the objection period ended "
            f"({end}): the decision term is counted from the day after receipt, "
            f"{received + ONE_DAY}, not before there was an objection to decide on "
            "(municipal interpretation of Awb 7:10(1) with 6:9(2) and 6:11)",
            received,
        )
    return end, Step(
        "interpretation",
        f"the decision term is counted from the day after the objection period ended, taken "
        f"as {which}, {end} (municipal interpretation)",
        end,
    )


def objection_decision(
    period_end: datetime.date | TermResult,
    cal: LegalCalendar,
    *,
    with_committee: bool = False,
    postponement_weeks: int = 0,
    further_weeks: int = 0,
    suspended_days: int = 0,
    interpretation: Interpretation = DEFAULT_INTERPRETATION,
) -> TermResult:
    """The term to decide on an objection (Awb 7:10).

    6 weeks, or 12 weeks when an advisory committee advises (7:13), counted from the day
    after the objection period ended (7:10(1)); suspended while a repair term runs
    (``suspended_days``, 7:10(2), see ``suspension_days``); postponed once by at most 6
    weeks (``postponement_weeks``, 7:10(3)); further with the objector's consent
    (``further_weeks``, 7:10(4)). Every use is notified in writing (7:10(5)).

    ``period_end``: the last day of the objection period. A date is used as given (by
    default that should be the Atw-extended end, ``objection_period(...).end_date``); the
    ``TermResult`` of ``objection_period`` lets ``interpretation`` choose between its
    Atw-extended and its plain end. The Atw applies unless the term as extended is longer
    than 12 weeks (Atw art. 4; a 12-week term is not longer, so the Atw applies).
    """
    postponement_weeks = _whole(
        "postponement_weeks",
        postponement_weeks,
        maximum=OBJECTION_POSTPONEMENT_MAX_WEEKS,
        rule="Awb 7:10(3): postponement once by at most 6 weeks; further only with consent, "
        "given as further_weeks",
    )
    further_weeks = _whole("further_weeks", further_weeks)
    suspended_days = _whole("suspended_days", suspended_days)
    lead: list[Step] = []
    if isinstance(period_end, TermResult):
        counted_from, how = decision_term_counted_from(period_end, None, interpretation)
        lead.append(how)
    else:
        counted_from = period_end
    weeks = 12 if with_committee else 6
    who = (
        "with an advisory committee (Awb 7:13) the term is 12 weeks"
        if with_committee
        else "the term is 6 weeks"
    )
    parts = [
        _Part(
            weeks * WEEK,
            "awb-7:10",
            f"objection period ended {counted_from}; {who} from the next day, "
            f"{counted_from + ONE_DAY} (Awb 7:10(1))",
        )
    ]
    basis = ["Awb 7:10(1)"]
    if suspended_days:
        parts.append(
            _Part(
                suspended_days,
                "awb-7:10(2)",
                f"suspended for {suspended_days} day{'s' if suspended_days != 1 else ''} while "
                "the objector was given time to repair an omission (Awb 7:10(2))",
                counts_for_art4=interpretation.suspension_counts_for_art4,
            )
        )
        basis.append("7:10(2)")
    if postponement_weeks:
        parts.append(
            _Part(
                postponement_weeks * WEEK,
                "awb-7:10(3)",
                f"postponed once by {_length(postponement_weeks * WEEK)} (Awb 7:10(3), at most "
                "6 weeks, with written notice)",
            )
        )
        basis.append("7:10(3)")
    if further_weeks:
        parts.append(
            _Part(
                further_weeks * WEEK,
                "awb-7:10(4)",
                f"postponed by a further {_length(further_weeks * WEEK)} with the objector's "
                "consent (Awb 7:10(4))",
            )
        )
        basis.append("7:10(4)")
    if with_committee:
        basis.append("7:13")
    return _compute(
        term="objection-decision",
        counted_from=counted_from,
        cal=cal,
        parts=parts,
        basis=", ".join(basis),
        interpretation=interpretation,
        lead=lead,
    )


TERMS: dict[str, Callable[..., TermResult]] = {
    "objection-period": objection_period,
    "objection-decision": objection_decision,
    "complaint-handling": complaint_handling,
    "complaint-not-handled-notice": complaint_not_handled_notice,
}

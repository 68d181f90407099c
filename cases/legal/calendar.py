"""Two calendars, kept apart on purpose (docs/legal.md, "Counting terms").

``LegalCalendar`` is the calendar of the Algemene termijnenwet (Atw): Saturdays, Sundays and
the recognised holidays of Atw art. 3, plus the days a royal decree equates with them
(art. 3(3)), which the caller supplies as data. It applies Atw art. 1 and 2 to statutory terms.

``ServiceNormCalendar`` is the municipality's own working days, for its service norms ("we
call you within 2 working days"). These are not statutory terms, so the Atw does not govern
them; by default they skip weekends and the same national holidays, plus the municipality's
own closing days.

Pure Python: no Django, so the rules can be tested and reused without a database.
"""

import datetime
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import holidays

ONE_DAY = datetime.timedelta(days=1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The holidays of Atw art. 3(1) and 3(2) as the holidays library names them in en_US, with
# the paragraph that makes each one a holiday ("3" for art. 3(1)). Names are used only to
# recognise the library's entries; the names shown come from the library in the calendar's
# language. Whatever else the library lists is not an Atw holiday and is ignored: Easter
# Sunday and Whit Sunday (always Sundays, so they change nothing) and any day a later
# library version might add. The table test in tests/cases/legal pins every date 2024-2030.
_ATW_LIBRARY_NAMES: dict[str, str] = {
    "New Year's Day": "3",
    "Good Friday": "3(2)",
    "Easter Monday": "3",
    "King's Day": "3",
    "Queen's Day": "3",  # "the day the monarch's birthday is celebrated", before 2014
    "Liberation Day": "3",
    "Ascension Day": "3",
    "Pentecost Monday": "3",
    "Christmas Day": "3",
    "Second Day of Christmas": "3",
}
# Atw art. 3(1) names "de vijfde mei" every year (since 1982). holidays.NL lists it as a
# public holiday only every fifth year (the collective-agreement day off), so it is added.
_LIBERATION_DAY_EVERY_YEAR_FROM = 1982
# Names for days the calendar adds itself when the library has no name for them.
_FALLBACK_NAMES: dict[str, dict[str, str]] = {
    "Good Friday": {"nl": "Goede Vrijdag", "en_US": "Good Friday"},
    "Liberation Day": {"nl": "Bevrijdingsdag", "en_US": "Liberation Day"},
}


@dataclass(frozen=True)
class Step:
    """One explained step of a computation.

    ``rule`` is a short id of the article applied ("atw-1", "awb-6:8"); ``text`` one English
    sentence a person can follow, e.g. "raw end 2025-05-04 is a Sunday → next day 2025-05-05
    is a holiday (Bevrijdingsdag, Atw art. 3) → 2025-05-06"; ``date`` the date it results in.
    """

    rule: str
    text: str
    date: datetime.date | None = None


@dataclass(frozen=True)
class Holiday:
    """A recognised holiday: its name and the Atw paragraph ("3", "3(2)" or "3(3)")."""

    name: str
    article: str


def _library_names(year: int, language: str) -> dict[datetime.date, list[tuple[str, str]]]:
    """The library's entries for ``year`` as (en_US name, name in ``language``) per date."""
    # observed=True is the library default and what moves King's Day off a Sunday.
    identify = holidays.NL(years=year, language="en_US", observed=True)
    shown = holidays.NL(years=year, language=language, observed=True)
    entries: dict[datetime.date, list[tuple[str, str]]] = {}
    for day in identify:
        keys = identify.get_list(day)
        names = shown.get_list(day)
        if len(names) != len(keys):
            names = keys
        entries[day] = list(zip(keys, names, strict=True))
    return entries


def _fallback_name(key: str, language: str) -> str:
    return _FALLBACK_NAMES[key].get(language, _FALLBACK_NAMES[key]["en_US"])


def atw_holidays(year: int, language: str = "nl") -> dict[datetime.date, Holiday]:
    """The holidays of Atw art. 3(1) and 3(2) in ``year`` (decree days not included).

    Taken from ``holidays.NL`` and corrected where the Atw differs: 5 May every year, Good
    Friday always (art. 3(2)), and nothing the Atw does not list (Easter Sunday, Whit Sunday).
    A year's holidays never change: worked out once per process (the library takes
    milliseconds a year, and every calendar of every request asks).
    """
    return dict(_atw_holidays(year, language))


@functools.lru_cache(maxsize=256)
def _atw_holidays(year: int, language: str) -> dict[datetime.date, Holiday]:
    found: dict[datetime.date, list[tuple[str, str, str]]] = {}
    for day, entries in _library_names(year, language).items():
        for key, name in entries:
            if key in _ATW_LIBRARY_NAMES:
                found.setdefault(day, []).append((key, name, _ATW_LIBRARY_NAMES[key]))
    keys = {key for entries in found.values() for key, _, _ in entries}
    if "Good Friday" not in keys:
        easter_monday = next(
            (
                day
                for day, entries in found.items()
                for key, _, _ in entries
                if key == "Easter Monday"
            ),
            None,
        )
        if easter_monday is not None:
            good_friday = easter_monday - 3 * ONE_DAY
            name = _fallback_name("Good Friday", language)
            found.setdefault(good_friday, []).append(("Good Friday", name, "3(2)"))
    may_5 = datetime.date(year, 5, 5)
    if year >= _LIBERATION_DAY_EVERY_YEAR_FROM and not any(
        key == "Liberation Day" for key, _, _ in found.get(may_5, [])
    ):
        optional = holidays.NL(years=year, language=language, categories=(holidays.OPTIONAL,))
        name = optional.get(may_5) or _fallback_name("Liberation Day", language)
        found.setdefault(may_5, []).append(("Liberation Day", name, "3"))
    return {
        day: Holiday("; ".join(name for _, name, _ in entries), entries[0][2])
        for day, entries in sorted(found.items())
    }


# A calendar is kept per process (cases.deadlines) and asked about the same days by every
# request: a term's Atw check walks each day of it, a case page counts the working days
# left of each term. Its days are fixed when it is made, so each day's answer is kept;
# at most this many (about 55 years), so far-off dates asked of the public term
# endpoints cannot grow a process without bound.
MEMO_DAYS = 20_000


def _remember(memo: dict[datetime.date, bool], d: datetime.date, answer: bool) -> None:
    if len(memo) >= MEMO_DAYS:
        memo.clear()
    memo[d] = answer


def _signed_count(
    a: datetime.date, b: datetime.date, counts: Callable[[datetime.date], bool]
) -> int:
    """Days that ``counts`` from ``a`` to ``b``: those after ``a`` up to and including ``b``
    when ``b >= a``; minus those from ``b`` up to but not including ``a`` when ``b < a``.

    So the count is the number of steps of "next counted day" (or "previous counted day")
    that lead from ``a`` to ``b``, which makes it the inverse of adding counted days.
    """
    if b >= a:
        first, last, sign = a + ONE_DAY, b, 1
    else:
        first, last, sign = b, a - ONE_DAY, -1
    total, day = 0, first
    while day <= last:
        total += counts(day)
        day += ONE_DAY
    return sign * total


class LegalCalendar:
    """The Atw calendar: which days are rest days, and Atw art. 1 and 2 applied to a term.

    ``decree_days`` are the days equated with holidays by royal decree (Atw art. 3(3)),
    date → name, as published in the Staatscourant; no holiday library has them, so the
    caller passes them (the Django side keeps them in the database). ``language`` is the
    language of the holiday names ("nl", "en_US", ... as ``holidays.NL`` supports).
    """

    def __init__(
        self, decree_days: Mapping[datetime.date, str] | None = None, language: str = "nl"
    ):
        if language not in holidays.NL.supported_languages:
            supported = ", ".join(holidays.NL.supported_languages)
            raise ValueError(f"Unsupported language {language!r}; use one of: {supported}.")
        self.language = language
        self.decree_days: dict[datetime.date, str] = dict(decree_days or {})
        self._years: dict[int, dict[datetime.date, Holiday]] = {}
        self._rest: dict[datetime.date, bool] = {}

    def _statutory(self, year: int) -> dict[datetime.date, Holiday]:
        if year not in self._years:
            self._years[year] = atw_holidays(year, self.language)
        return self._years[year]

    def holiday(self, d: datetime.date) -> Holiday | None:
        """The holiday ``d`` is under Atw art. 3 (a decree day counts, art. 3(3)), if any."""
        statutory = self._statutory(d.year).get(d)
        if statutory is not None:
            return statutory
        if d in self.decree_days:
            return Holiday(self.decree_days[d], "3(3)")
        return None

    def holiday_name(self, d: datetime.date) -> str | None:
        """The name of the holiday or decree day ``d`` is, or None."""
        found = self.holiday(d)
        return found.name if found else None

    def holidays_in(self, year: int) -> dict[datetime.date, str]:
        """Every holiday and decree day of ``year``, date → name, in date order."""
        days = {d: h.name for d, h in self._statutory(year).items()}
        days.update({d: n for d, n in self.decree_days.items() if d.year == year and d not in days})
        return dict(sorted(days.items()))

    def is_holiday(self, d: datetime.date) -> bool:
        """Whether ``d`` is a recognised holiday or a day equated with one (Atw art. 3)."""
        return self.holiday(d) is not None

    def is_rest_day(self, d: datetime.date) -> bool:
        """Saturday, Sunday or a (decree) holiday: the days Atw art. 1 and 2 skip."""
        rest = self._rest.get(d)
        if rest is None:
            rest = d.weekday() >= 5 or self.is_holiday(d)
            _remember(self._rest, d, rest)
        return rest

    def next_working_day(self, d: datetime.date) -> datetime.date:
        """The first day on or after ``d`` that is not a rest day."""
        while self.is_rest_day(d):
            d += ONE_DAY
        return d

    def describe(self, d: datetime.date) -> str:
        """What kind of day ``d`` is, for the steps: "a Sunday", "a holiday (…, Atw art. 3)"."""
        found = self.holiday(d)
        if d.weekday() >= 5:
            also = f" ({found.name})" if found else ""
            return f"a {WEEKDAYS[d.weekday()]}{also}"
        if found is None:
            return f"a {WEEKDAYS[d.weekday()]}"
        if found.article == "3(3)":
            return f"a day equated with a holiday ({found.name}, Atw art. 3(3))"
        return f"a holiday ({found.name}, Atw art. {found.article})"

    def atw_extend(
        self, start: datetime.date, raw_end: datetime.date
    ) -> tuple[datetime.date, list[Step]]:
        """Atw art. 1 and 2 applied to the term that runs after ``start`` until ``raw_end``.

        ``start`` is the day the term is counted from (it does not count itself); ``raw_end``
        the last day by plain counting. Whether the Atw applies at all (art. 4: not to terms
        longer than 12 weeks, and art. 1(2): not to terms counted backwards) is the caller's
        decision.

        Art. 1: a term ending on a Saturday, Sunday or holiday runs until the next day that
        is none of these. Art. 2: a term of at least 3 days is extended as far as needed for
        it to contain at least two days that are none of these.

        Order: art. 1 first, then art. 2 on the term as art. 1 left it. The order does not
        change the outcome. With N the first non-rest day on or after ``raw_end`` and S the
        second non-rest day after ``start``, art. 1 then art. 2 gives max(N, S). Art. 2 then
        art. 1 gives the same: if the raw term already holds two non-rest days then
        S <= raw_end <= N and the result is N; otherwise art. 2 ends the term on S, a non-rest
        day, so art. 1 has nothing left to do, and N <= S. Art. 2 ("zoveel verlengd … dat
        daarin ten minste twee dagen vallen …") only extends the end to a non-rest day, so
        art. 1 still holds after it. The tests check max(N, S) for both orders.
        """
        if raw_end < start:
            raise ValueError(f"A term cannot end ({raw_end}) before it starts ({start}).")
        steps: list[Step] = []
        end = self._article_1(raw_end, steps)
        if (raw_end - start).days >= 3:
            end = self._article_2(start, end, steps)
        return end, steps

    def _article_1(self, raw_end: datetime.date, steps: list[Step]) -> datetime.date:
        if not self.is_rest_day(raw_end):
            steps.append(
                Step(
                    "atw-1",
                    f"raw end {raw_end} is {self.describe(raw_end)}, not a Saturday, Sunday "
                    "or holiday → no extension",
                    raw_end,
                )
            )
            return raw_end
        parts = [f"raw end {raw_end} is {self.describe(raw_end)}"]
        day = raw_end + ONE_DAY
        while self.is_rest_day(day):
            parts.append(f"next day {day} is {self.describe(day)}")
            day += ONE_DAY
        parts.append(str(day))
        steps.append(Step("atw-1", " → ".join(parts), day))
        return day

    def _article_2(
        self, start: datetime.date, end: datetime.date, steps: list[Step]
    ) -> datetime.date:
        first = start + ONE_DAY
        working = [
            first + n * ONE_DAY
            for n in range((end - start).days)
            if not self.is_rest_day(first + n * ONE_DAY)
        ]
        span = f"term from {first} to {end}"
        if len(working) >= 2:
            steps.append(
                Step(
                    "atw-2",
                    f"{span} has {len(working)} days that are not a Saturday, Sunday or "
                    "holiday → at least two, no extension",
                    end,
                )
            )
            return end
        day, count = end, len(working)
        while count < 2:
            day += ONE_DAY
            if not self.is_rest_day(day):
                count += 1
        has = f"only 1 day ({working[0]})" if working else "no day"
        steps.append(
            Step(
                "atw-2",
                f"{span} has {has} that is not a Saturday, Sunday or holiday → at least two "
                f"are required → extended to {day}",
                day,
            )
        )
        return day

    def working_days_left(self, today: datetime.date, due: datetime.date) -> int:
        """Working days (not rest days) left until ``due``, as the API shows them.

        ``due >= today``: the working days after today up to and including ``due`` (0 when
        due today). ``due < today`` (overdue): minus the working days from ``due`` up to but
        not including today, so a term due on Friday shows -1 on Saturday, Sunday and
        Monday and -2 on Tuesday. A due date that is itself a rest day (possible only for
        terms the Atw does not cover) can show 0 the day after; use ``today > due`` for the
        overdue flag itself.
        """
        return _signed_count(today, due, lambda d: not self.is_rest_day(d))


class ServiceNormCalendar:
    """The municipality's working days, for its own service norms (not the Atw).

    Not a working day: Saturdays, Sundays, the national holidays of ``national`` (by
    default the Atw holidays, decree days not included) and the municipality's own
    ``closing_days`` (date → name). ``open_days`` are weekdays the municipality is open
    although ``national`` lists a holiday (e.g. 5 May in years it does not give the day off).
    """

    def __init__(
        self,
        closing_days: Mapping[datetime.date, str] | None = None,
        *,
        national: LegalCalendar | None = None,
        open_days: Mapping[datetime.date, str] | None = None,
        language: str = "nl",
    ):
        self.closing_days: dict[datetime.date, str] = dict(closing_days or {})
        self.open_days: dict[datetime.date, str] = dict(open_days or {})
        self.national = national if national is not None else LegalCalendar(language=language)
        self._working: dict[datetime.date, bool] = {}

    def closed_because(self, d: datetime.date) -> str | None:
        """Why ``d`` is not a working day ("Saturday", a holiday or closing day), or None."""
        if d.weekday() >= 5:
            return WEEKDAYS[d.weekday()]
        if d in self.closing_days:
            return self.closing_days[d]
        if d not in self.open_days:
            return self.national.holiday_name(d)
        return None

    def is_working_day(self, d: datetime.date) -> bool:
        """Whether the municipality works on ``d``."""
        working = self._working.get(d)
        if working is None:
            working = self.closed_because(d) is None
            _remember(self._working, d, working)
        return working

    def next_working_day(self, d: datetime.date) -> datetime.date:
        """The first working day on or after ``d``."""
        while not self.is_working_day(d):
            d += ONE_DAY
        return d

    def add_working_days(self, d: datetime.date, n: int) -> datetime.date:
        """The ``n``-th working day after ``d`` (``d`` itself not counted); ``d`` for 0.

        Negative ``n`` counts back: the ``-n``-th working day before ``d``.
        """
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days from ``a`` to ``b``: the inverse of ``add_working_days``.

        ``b >= a``: the working days after ``a`` up to and including ``b``. ``b < a``: minus
        the working days from ``b`` up to but not including ``a``. So
        ``working_days_between(a, add_working_days(a, n)) == n`` for every ``n``, and
        ``add_working_days(a, working_days_between(a, b)) == b`` when ``b`` is a working day.
        """
        return _signed_count(a, b, self.is_working_day)

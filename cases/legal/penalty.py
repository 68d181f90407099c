"""The penalty for a late decision on an objection (Awb 4:17-4:18, applied by 7:14).

After a written notice of default (ingebrekestelling) received once the decision term has
expired, the body owes a penalty per day: EUR 23 for days 1-14, EUR 35 for days 15-28 and
EUR 45 for days 29-42, at most 42 days (4:17(1), (2)). The Atw does not apply to the 42
days (4:17(1), last sentence), so nothing here moves a date off a weekend or holiday.

The amounts are dated data: EUR 20/30/40 from 1 October 2009 (the Wet dwangsom en beroep
bij niet tijdig beslissen, Stb. 2009, 383), EUR 23/35/45 from 1 January 2019 (ministerial
regulation of 14 November 2018 indexing Awb amounts, Stcrt. 2018, 65542; its transitional
rule: the date the body received the notice of default decides which amounts apply).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from cases.legal.calendar import ONE_DAY, LegalCalendar

PENALTY_MAX_DAYS = 42  # Awb 4:17(1)
BAND_DAYS = 14  # Awb 4:17(2): three bands of 14 days
WAIT = datetime.timedelta(weeks=2)  # Awb 4:17(3)
FIX_WITHIN = datetime.timedelta(weeks=2)  # Awb 4:18


@dataclass(frozen=True)
class PenaltyBands:
    """The amounts per day of Awb 4:17(2), valid for notices received from ``valid_from``."""

    valid_from: datetime.date
    first: Decimal
    second: Decimal
    third: Decimal
    source: str = ""

    @property
    def rates(self) -> tuple[Decimal, Decimal, Decimal]:
        return (self.first, self.second, self.third)

    @property
    def maximum(self) -> Decimal:
        """The most the penalty can be: 42 days (EUR 1,442 with 23/35/45)."""
        return BAND_DAYS * (self.first + self.second + self.third)


BANDS: tuple[PenaltyBands, ...] = (
    PenaltyBands(
        datetime.date(2009, 10, 1),
        Decimal(20),
        Decimal(30),
        Decimal(40),
        "Awb 4:17(2) as enacted by the Wet dwangsom en beroep bij niet tijdig beslissen "
        "(Stb. 2009, 383), in force 1 October 2009",
    ),
    PenaltyBands(
        datetime.date(2019, 1, 1),
        Decimal(23),
        Decimal(35),
        Decimal(45),
        "Regulation of the Minister for Legal Protection of 14 November 2018 indexing Awb "
        "amounts (Stcrt. 2018, 65542), in force 1 January 2019; the date the notice of "
        "default was received decides",
    ),
)


@dataclass(frozen=True)
class BandLine:
    """One band of a penalty: ``days`` at ``per_day`` euros, ``subtotal`` in euros."""

    days: int
    per_day: Decimal
    subtotal: Decimal


@dataclass(frozen=True)
class PenaltyAmount:
    """The penalty for ``days`` penalty days (at most 42): ``total`` in euros, the band
    lines it is made of, and ``amounts``, the dated amounts used (by the notice date)."""

    days: int
    total: Decimal
    bands: tuple[BandLine, ...]
    amounts: PenaltyBands
    legal_basis: str


def bands_for(
    notice_received: datetime.date, bands: Sequence[PenaltyBands] = BANDS
) -> PenaltyBands:
    """The amounts that apply to a notice of default received on ``notice_received``."""
    valid = [b for b in bands if b.valid_from <= notice_received]
    if not valid:
        first = min(b.valid_from for b in bands)
        raise ValueError(
            f"No penalty amounts for a notice received on {notice_received}: Awb 4:17 applies "
            f"from {first}."
        )
    return max(valid, key=lambda b: b.valid_from)


def penalty_first_day(
    term_expired: datetime.date,
    notice_received: datetime.date,
    cal: LegalCalendar | None = None,
) -> datetime.date | None:
    """The first day the penalty is owed for (Awb 4:17(3)), or None without a valid notice.

    ``term_expired`` is the last day of the decision term (its end date, the day at whose
    end it expires). A notice received on or before that day is premature and does not
    count (4:17(3) asks for a notice received once the term has expired): None.

    4:17(3): the first day is "de dag waarop twee weken zijn verstreken na de dag waarop de
    termijn … is verstreken en het bestuursorgaan … een schriftelijke ingebrekestelling
    heeft ontvangen". The day after which the two weeks run is the later of the two days,
    which with a valid notice is always the day of receipt R. Two weeks after day R end on
    R + 14 (same weekday, the counting of docs/legal.md: R itself does not count), and "the day
    on which" they have passed is read like "the day on which the term has expired" in the
    same sentence: the last day of the term. So the first penalty day is R + 14. Example:
    notice received Monday 3 March 2025 → penalty owed from Monday 17 March 2025.

    The two weeks are a statutory term that 4:17(1) does not exclude from the Atw (it
    excludes the 42 days only): with ``cal`` Atw art. 1 and 2 are applied to them, so two
    weeks ending on a holiday run to the next working day (the municipality's reading,
    ``Interpretation.atw_on_short_terms``); without one they are counted plainly.
    """
    if notice_received <= term_expired:
        return None
    after = max(term_expired, notice_received)
    end = after + WAIT
    if cal is not None:
        end, _ = cal.atw_extend(after, end)
    return end


def penalty_last_day(
    first_day: datetime.date, decision_sent: datetime.date
) -> datetime.date | None:
    """The last penalty day: the day the decision is sent, or the 42nd day if that is
    earlier (Awb 4:17(1)); None if the decision was sent before the first penalty day."""
    if decision_sent < first_day:
        return None
    return min(decision_sent, first_day + (PENALTY_MAX_DAYS - 1) * ONE_DAY)


def penalty_days(first_day: datetime.date, until: datetime.date) -> int:
    """Penalty days from ``first_day`` up to and including ``until`` (the day the decision
    is sent), at most 42 (Awb 4:17(1)); 0 when ``until`` is before ``first_day``."""
    return max(0, min(PENALTY_MAX_DAYS, (until - first_day).days + 1))


def penalty_amount(
    days: int, notice_received: datetime.date, bands: Sequence[PenaltyBands] = BANDS
) -> PenaltyAmount:
    """The penalty in euros for ``days`` penalty days (Awb 4:17(2)), capped at 42 days.

    The amounts are those in force on the day the notice of default was received.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"days must be a whole number of at least 0, not {days!r}.")
    chosen = bands_for(notice_received, bands)
    counted = min(days, PENALTY_MAX_DAYS)
    remaining = counted
    lines: list[BandLine] = []
    for rate in chosen.rates:
        in_band = min(remaining, BAND_DAYS)
        if in_band:
            lines.append(BandLine(in_band, rate, in_band * rate))
        remaining -= in_band
    total = sum((line.subtotal for line in lines), Decimal(0))
    rates = "/".join(str(rate) for rate in chosen.rates)
    basis = (
        f"Awb 4:17(1)-(2): EUR {rates} per day for days 1-14/15-28/29-42, at most 42 days "
        f"(amounts from {chosen.valid_from}, by the date the notice of default was received)"
    )
    return PenaltyAmount(counted, total, tuple(lines), chosen, basis)


def fix_amount_deadline(
    last_penalty_day: datetime.date, cal: LegalCalendar | None = None
) -> datetime.date:
    """The latest day to fix the penalty by decision (Awb 4:18): within two weeks after the
    last penalty day, i.e. ``last_penalty_day`` + 14 days.

    Plain counting by default. This two-week term is a statutory term that 4:17(1) does not
    exclude from the Atw (it excludes the 42 days only); pass ``cal`` to apply Atw art. 1
    and 2 to it.
    """
    end = last_penalty_day + FIX_WITHIN
    if cal is not None:
        end, _ = cal.atw_extend(last_penalty_day, end)
    return end

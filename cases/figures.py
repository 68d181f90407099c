"""The figures the policy asks for and the law requires (Awb 9:12a), from one anonymous
row per closed case (``CaseFigures``).

``figures_refresh(case)`` writes the row when a case closes and again when something
that counts follows (a satisfaction rating, a penalty decision); retention writes it one
last time before it erases the case. ``figures_report`` aggregates the rows in one SQL
statement per grouping: counts, shares, median and 90th percentile of handling days.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from cases.models import (
    Case,
    CaseFigures,
    ComplaintReportMeasures,
    ContactOutcome,
    Deadline,
    DeadlineChange,
    DeadlineKind,
    DeadlineState,
    EventKind,
)

# The legal term whose outcome is "decided on time", per kind.
_DECISION_TERM = {
    "complaint": DeadlineKind.COMPLAINT_HANDLING,
    "objection": DeadlineKind.OBJECTION_DECISION,
}
# The objection states a withdrawal ends the phone-first route from.
_INFORMAL_OBJECTION_STATES = {"informal_contact"}


def _term_met(deadlines: list[Deadline], kind: str) -> bool | None:
    newest = max((d for d in deadlines if d.kind == kind), key=lambda d: d.pk, default=None)
    if newest is None or newest.state not in (DeadlineState.MET, DeadlineState.MISSED):
        return None
    return newest.state == DeadlineState.MET


def _resolved_informally(case: Case) -> bool:
    if case.kind == "complaint":
        return case.status == "resolved_informally"
    if case.status != "withdrawn":
        return False
    withdrawal = (
        case.events.filter(kind=EventKind.TRANSITION, data__step="withdraw")
        .order_by("-occurred_at", "-id")
        .values_list("data", flat=True)
        .first()
    )
    return bool(withdrawal) and withdrawal["status"]["before"] in _INFORMAL_OBJECTION_STATES


def figures_of(case: Case) -> CaseFigures:
    """The anonymous figures of a closed case, as it is now."""
    details = case.complaint if case.kind == "complaint" else case.objection
    deadlines = list(case.deadlines.all())
    decision_term = _DECISION_TERM[case.kind]
    extensions = DeadlineChange.objects.filter(
        deadline__case=case, deadline__kind=decision_term, kind="extended"
    ).count()
    reached = (
        case.contact_moments.filter(outcome=ContactOutcome.REACHED)
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    hours = None
    if reached is not None:
        hours = max(0, int((reached - case.received_at).total_seconds() // 3600))
    penalty = getattr(case, "penalty_decision", None) if case.kind == "objection" else None
    satisfaction = getattr(case, "satisfaction", None)
    received_on = timezone.localdate(case.received_at)
    closed_on = timezone.localdate(case.closed_at)
    return CaseFigures(
        case_id=case.pk,
        kind=case.kind,
        channel=case.channel,
        team_code=case.team.code if case.team_id else "",
        outcome=case.status,
        judgement=(details.judgement if case.kind == "complaint" else details.outcome) or "",
        received_on=received_on,
        closed_on=closed_on,
        handling_days=max(0, (closed_on - received_on).days),
        first_contact_hours=hours,
        first_contact_on_time=_term_met(deadlines, DeadlineKind.FIRST_CONTACT),
        resolved_informally=_resolved_informally(case),
        decided_on_time=_term_met(deadlines, decision_term),
        extensions=extensions,
        postponements=getattr(details, "postponements", 0) or 0,
        penalty_paid=penalty.amount if penalty is not None else Decimal("0"),
        satisfaction=satisfaction.rating if satisfaction is not None else None,
        needs_extra_care=case.parties.filter(needs_extra_care=True).exists(),
    )


def figures_refresh(case: Case) -> CaseFigures | None:
    """Write (or rewrite) the figures of ``case`` if it is closed; None if it is open."""
    if case.closed_at is None:
        return None
    return _figures_write(case.pk)


def _figures_write(pk: int) -> CaseFigures:
    case = Case.objects.select_related("team", "complaint", "objection").get(pk=pk)
    row = figures_of(case)
    CaseFigures.objects.bulk_create(
        [row], update_conflicts=True, unique_fields=["case_id"], update_fields=_FIGURE_FIELDS
    )
    return row


_FIGURE_FIELDS = [
    field.name for field in CaseFigures._meta.concrete_fields if field.name not in ("id", "case_id")
]


def figures_rebuild(*, batch: int = 500) -> int:
    """Write the figures of every closed case (after an upgrade, or to repair them)."""
    closed = (
        Case.objects.filter(closed_at__isnull=False).order_by("pk").values_list("pk", flat=True)
    )
    done = 0
    for pk in closed.iterator(chunk_size=batch):
        _figures_write(pk)
        done += 1
    return done


# -- The report -------------------------------------------------------------------------

# What a report may be broken down by (columns of CaseFigures).
GROUPINGS = ("kind", "channel", "team_code", "outcome")


@dataclass(frozen=True)
class ReportFilters:
    start: datetime.date  # closed on or after
    end: datetime.date  # closed on or before
    kind: str = ""
    channel: str = ""
    team_code: str = ""
    outcome: str = ""
    group: str = ""  # one of GROUPINGS, or "" for one line


def _where(filters: ReportFilters, care_only: bool) -> tuple[str, list[Any]]:
    clauses, params = ["closed_on >= %s", "closed_on <= %s"], [filters.start, filters.end]
    for column in ("kind", "channel", "team_code", "outcome"):
        value = getattr(filters, column)
        if value:
            clauses.append(f"{column} = %s")
            params.append(value)
    if care_only:
        clauses.append("needs_extra_care")
    return " AND ".join(clauses), params


# Portable SQL (PostgreSQL, and SQLite for `make run`): shares as counts, percentiles by
# rank. The discrete percentile p of n ordered values is the one at rank ceil(p * n),
# here ceil(k * n / 10) = (k * n + 9) / 10 in integer arithmetic (k = 5: the median,
# k = 9: the 90th percentile), as PostgreSQL's percentile_disc gives it.
_COUNTS = """
    SELECT {group} AS grp,
        COUNT(*),
        SUM(CASE WHEN first_contact_on_time IS NOT NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN first_contact_on_time THEN 1 ELSE 0 END),
        SUM(CASE WHEN resolved_informally THEN 1 ELSE 0 END),
        SUM(CASE WHEN decided_on_time IS NOT NULL THEN 1 ELSE 0 END),
        SUM(CASE WHEN decided_on_time THEN 1 ELSE 0 END),
        SUM(extensions), SUM(postponements), SUM(penalty_paid),
        COUNT(satisfaction), AVG(satisfaction)
    FROM cases_casefigures WHERE {where} GROUP BY 1
"""
_RANKS = """
    SELECT grp,
        MAX(CASE WHEN rn = (5 * n + 9) / 10 THEN value END),
        MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN value END)
    FROM (
        SELECT {group} AS grp, {column} AS value,
            ROW_NUMBER() OVER ({partition} ORDER BY {column}) AS rn,
            COUNT(*) OVER ({partition}) AS n
        FROM cases_casefigures WHERE {where} AND {column} IS NOT NULL
    ) ranked
    WHERE rn IN ((5 * n + 9) / 10, (9 * n + 9) / 10)
    GROUP BY grp
"""


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _line(counts: tuple, medians: tuple = (None, None, None)) -> dict[str, Any]:
    """A report line from the aggregate columns of ``_COUNTS`` (in that order) and the
    handling days' median and 90th percentile and the first-contact hours' median."""
    (cases, fc_counted, fc_met, informal, dec_counted, dec_met) = counts[:6]
    extensions, postponements, penalties, ratings, average = counts[6:]
    days_median, days_p90, contact_median = medians
    return {
        "cases": cases,
        "first_contact_within_norm": _share(fc_met or 0, fc_counted or 0),
        "first_contact_hours_median": contact_median,
        "resolved_informally": _share(informal or 0, cases),
        "decided_on_time": _share(dec_met or 0, dec_counted or 0),
        "handling_days_median": days_median,
        "handling_days_p90": days_p90,
        "extensions": extensions or 0,
        "postponements": postponements or 0,
        "penalties_paid": str(Decimal(penalties or 0).quantize(Decimal("0.01"))),
        "ratings": ratings,
        "satisfaction_average": round(float(average), 2) if average is not None else None,
    }


def _lines_portable(filters: ReportFilters, care_only: bool) -> dict[str, dict[str, Any]]:
    """Three statements (counts, then percentiles by rank for each column): any SQL
    database with window functions (SQLite for ``make run``)."""
    where, params = _where(filters, care_only)
    group = filters.group or "'all'"
    lines: dict[str, dict[str, Any]] = {}
    medians: dict[str, list[Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS.format(group=group, where=where), params)
        counts = {row[0]: row[1:] for row in cursor.fetchall()}
        partition = f"PARTITION BY {filters.group}" if filters.group else ""
        for index, column in enumerate(("handling_days", "first_contact_hours")):
            sql = _RANKS.format(group=group, column=column, where=where, partition=partition)
            cursor.execute(sql, params)
            for grp, median, p90 in cursor.fetchall():
                found = medians.setdefault(grp, [None, None, None])
                if index == 0:
                    found[0], found[1] = median, p90
                else:
                    found[2] = median
    for grp, row in counts.items():
        lines[grp] = _line(row, tuple(medians.get(grp, (None, None, None))))
    return lines


# PostgreSQL: everything in one statement and one scan - the ordered-set aggregate
# percentile_disc (the same discrete percentile as the ranks above), and the lines for
# everyone and for extra care together through GROUPING SETS.
_POSTGRES = """
    SELECT grp, needs_extra_care, GROUPING(needs_extra_care),
        COUNT(*),
        COUNT(*) FILTER (WHERE first_contact_on_time IS NOT NULL),
        COUNT(*) FILTER (WHERE first_contact_on_time),
        COUNT(*) FILTER (WHERE resolved_informally),
        COUNT(*) FILTER (WHERE decided_on_time IS NOT NULL),
        COUNT(*) FILTER (WHERE decided_on_time),
        SUM(extensions), SUM(postponements), SUM(penalty_paid),
        COUNT(satisfaction), AVG(satisfaction),
        percentile_disc(0.5) WITHIN GROUP (ORDER BY handling_days),
        percentile_disc(0.9) WITHIN GROUP (ORDER BY handling_days),
        percentile_disc(0.5) WITHIN GROUP (ORDER BY first_contact_hours)
    FROM (SELECT {group} AS grp, * FROM cases_casefigures WHERE {where}) rows
    GROUP BY GROUPING SETS ((grp), (grp, needs_extra_care))
"""


def _lines_postgres(filters: ReportFilters) -> tuple[dict[str, Any], dict[str, Any]]:
    where, params = _where(filters, care_only=False)
    group = filters.group or "'all'"
    everyone: dict[str, dict[str, Any]] = {}
    care: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRES.format(group=group, where=where), params)
        for grp, needs_care, over_care, *values in cursor.fetchall():
            line = _line(tuple(values[:11]), tuple(values[11:]))
            if over_care:
                everyone[grp] = line
            elif needs_care:
                care[grp] = line
    return everyone, care


def figures_report(filters: ReportFilters, *, portable: bool = False) -> list[dict[str, Any]]:
    """One line per group (or one line), each with the same figures for the residents
    who need extra care beside it; none per case. On PostgreSQL one statement;
    ``portable`` (and elsewhere) six, with the same results."""
    if filters.group not in ("", *GROUPINGS):  # it is written into the SQL
        raise ValueError(f"no grouping {filters.group!r}")
    if connection.vendor == "postgresql" and not portable:
        everyone, care = _lines_postgres(filters)
    else:
        everyone = _lines_portable(filters, care_only=False)
        care = _lines_portable(filters, care_only=True)
    return [
        {"group": grp, **line, "extra_care": care.get(grp)}
        for grp, line in sorted(everyone.items(), key=lambda item: str(item[0]))
    ]


# -- The annual complaint report (Awb 9:12a) ---------------------------------------------


def annual_complaint_report(year: int) -> dict[str, Any]:
    """The year's complaints for the annual report: how many came in and were handled,
    by channel, by subject area (the team that handled them), by outcome and judgement,
    the shares on time and resolved informally, handling days, and the measures the team
    leads wrote. Anonymous: from the figures rows and counts of open cases only."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    handled = CaseFigures.objects.filter(kind="complaint", closed_on__range=(start, end))
    open_cases = Case.objects.filter(kind="complaint", closed_at__isnull=True)
    received = (
        CaseFigures.objects.filter(kind="complaint", received_on__range=(start, end)).count()
        + open_cases.filter(received_at__date__range=(start, end)).count()
    )

    def counted(field: str) -> list[dict[str, Any]]:
        rows = handled.values(field).annotate(cases=models.Count("id")).order_by("-cases", field)
        return [{"value": row[field] or "", "cases": row["cases"]} for row in rows]

    (line,) = figures_report(ReportFilters(start, end, kind="complaint")) or [None]
    measures = ComplaintReportMeasures.objects.filter(year=year).first()
    return {
        "year": year,
        "received": received,
        "handled": handled.count(),
        "open_at_year_end": open_cases.filter(received_at__date__lte=end).count(),
        "by_channel": counted("channel"),
        "by_subject_area": counted("team_code"),
        "by_outcome": counted("outcome"),
        "by_judgement": counted("judgement"),
        "decided_on_time": line["decided_on_time"] if line else None,
        "resolved_informally": line["resolved_informally"] if line else None,
        "first_contact_within_norm": line["first_contact_within_norm"] if line else None,
        "handling_days_median": line["handling_days_median"] if line else None,
        "handling_days_p90": line["handling_days_p90"] if line else None,
        "satisfaction_average": line["satisfaction_average"] if line else None,
        "measures": measures.text if measures else "",
    }

"""The figures at scale, and what the processing log costs a request.

    python -m bench.privacy --figures 1000000 --requests 300

**Figures**: seeds ``--figures`` anonymous figure rows (``cases_casefigures``, one per
closed case: five years of closings, kinds, channels, teams, outcomes, handling days and
flags spread as a municipality's would be) with one server-side INSERT ... SELECT, then
times the report queries (``cases.figures``): one line for a year, the year by channel
and by team, five years by kind, and the annual complaint report. The floor, in the same
run on the same rows: one bare ``SELECT count(*), avg(handling_days)`` over the same
year. Each figure is the median of ``--repeat`` calls and a ratio to the floor.

**Processing log**: ``--requests`` case pages (a case with two parties) and queue pages
of 50 rows, as legal staff, in process through Django's test client, alternating with
the log on and with ``note`` (as ``cases.processing`` calls it) made a no-op (the floor:
the same request without the log). Reports the median time per request of both, the
difference, the ratio, and the statements per request.
"""

import argparse
import statistics
import time

from bench.setup import django_for_bench

SEED_SQL = """
INSERT INTO cases_casefigures (
    case_id, kind, channel, team_code, outcome, judgement, received_on, closed_on,
    handling_days, first_contact_hours, first_contact_on_time, resolved_informally,
    decided_on_time, extensions, postponements, penalty_paid, satisfaction, needs_extra_care
)
SELECT
    -g,
    CASE WHEN r1 < 0.8 THEN 'complaint' ELSE 'objection' END,
    (ARRAY['web', 'phone', 'counter', 'post', 'email'])[1 + (g %% 5)],
    (ARRAY['klachten', 'bezwaar', 'wonen', 'zorg', 'belastingen', ''])[1 + (g %% 6)],
    CASE WHEN r2 < 0.45 THEN 'resolved_informally' WHEN r2 < 0.9 THEN 'closed'
         ELSE 'withdrawn' END,
    CASE WHEN r2 BETWEEN 0.45 AND 0.9 THEN
         (ARRAY['founded', 'partly_founded', 'unfounded'])[1 + (g %% 3)] ELSE '' END,
    closed - days, closed, days,
    CASE WHEN r3 < 0.8 THEN (r3 * 100)::int END,
    CASE WHEN r3 < 0.8 THEN r3 < 0.7 END,
    r2 < 0.45,
    CASE WHEN r2 < 0.9 THEN days < 70 END,
    (r3 < 0.1)::int, (r1 > 0.95)::int,
    CASE WHEN r1 > 0.98 THEN 1442.00 ELSE 0 END,
    CASE WHEN r3 < 0.3 THEN 1 + (g %% 5) END,
    r3 > 0.93
FROM (
    SELECT g, random() AS r1, random() AS r2, random() AS r3,
           (random() * 180)::int AS days,
           DATE '2022-01-01' + (random() * 1825)::int AS closed
    FROM generate_series(1, %s) AS g
) seeded
"""


def _median_ms(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def figures_bench(rows: int, repeat: int) -> list[tuple[str, float, float]]:
    import datetime

    from django.db import connection

    from cases.figures import ReportFilters, annual_complaint_report, figures_report
    from cases.models import CaseFigures

    seeded = CaseFigures.objects.filter(case_id__lt=0).count()
    if seeded != rows:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_casefigures WHERE case_id < 0")
            started = time.perf_counter()
            cursor.execute(SEED_SQL, [rows])
            cursor.execute("ANALYZE cases_casefigures")
        print(f"seeded {rows:,} figure rows in {time.perf_counter() - started:.1f} s")
    year = ReportFilters(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    five = ReportFilters(datetime.date(2022, 1, 1), datetime.date(2026, 12, 31), group="kind")

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), avg(handling_days) FROM cases_casefigures "
                "WHERE closed_on >= %s AND closed_on <= %s",
                [year.start, year.end],
            )
            cursor.fetchall()

    floor_ms = _median_ms(floor, repeat)
    scenarios = {
        "a year, one line (+ extra care)": lambda: figures_report(year),
        "a year by channel": lambda: figures_report(
            ReportFilters(year.start, year.end, group="channel")
        ),
        "a year by team": lambda: figures_report(
            ReportFilters(year.start, year.end, group="team_code")
        ),
        "five years by kind": lambda: figures_report(five),
        "annual complaint report (data)": lambda: annual_complaint_report(2025),
    }
    results = [("floor: bare count + avg over the year", floor_ms, 1.0)]
    for name, call in scenarios.items():
        ms = _median_ms(call, repeat)
        results.append((name, ms, ms / floor_ms if floor_ms else 0.0))
    return results


def _alternating(client, path: str, requests: int) -> dict[str, float]:
    """Median ms of ``path`` with the log and with ``note`` a no-op, alternating, and
    the statements of one request of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases import processing

    original = processing.note  # what the case views call

    def page() -> None:
        assert client.get(path).status_code == 200

    for _ in range(5):  # warm: permission cache, prepared statements
        page()
    on, off = [], []
    try:
        for index in range(requests):
            logging_off = index % 2 == 1
            if logging_off:
                processing.note = lambda **_: None
            started = time.perf_counter()
            page()
            (off if logging_off else on).append((time.perf_counter() - started) * 1000)
            processing.note = original
        with CaptureQueriesContext(connection) as with_log:
            page()
        processing.note = lambda **_: None
        with CaptureQueriesContext(connection) as without_log:
            page()
    finally:
        processing.note = original
    return {
        "on_ms": statistics.median(on),
        "off_ms": statistics.median(off),
        "statements_on": len(with_log),
        "statements_off": len(without_log),
    }


def log_bench(requests: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    from backend.accounts.roles import Role
    from cases import services
    from cases.models import Case, CaseKind
    from tests.factories import TeamFactory, UserFactory

    stamp = time.time_ns()
    team = TeamFactory(code=f"bench-log-{stamp}", name="Bench")
    legal = UserFactory(username=f"bench-legal-{stamp}", role=Role.LEGAL_STAFF, teams=[team])
    party = {"name": "Bench Resident", "email": "bench@example.nl", "street": "Markt",
             "house_number": "1", "postal_code": "1000AA", "city": "Voorbeeld"}  # fmt: skip
    cases = []
    for _ in range(50):  # a queue page's worth, all in the team
        filing = services.Filing(
            kind=CaseKind.COMPLAINT,
            subject="Bench",
            description="Bench",
            channel="web",
            received_at=None,
            team=team,
            parties=[dict(party, role="filer"), dict(party, role="representative")],
            complaint=None,
            objection=None,
            attachments=[],
        )
        cases.append(services.case_file(filing=filing, by=None))
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(team=team)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(legal)
    return {
        "case page (2 parties)": _alternating(
            client, f"/api/v1/cases/{cases[0].reference}", requests
        ),
        "queue page (50 rows)": _alternating(
            client, f"/api/v1/cases?team={team.code}&pageSize=50", requests
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    django_for_bench()

    print(f"\nFigures over {args.figures:,} closed cases (median of {args.repeat}):\n")
    print("| query | ms | / floor |")
    print("|---|---:|---:|")
    for name, ms, ratio in figures_bench(args.figures, args.repeat):
        print(f"| {name} | {ms:.1f} | {ratio:.1f} |")

    print(f"\nProcessing log, as legal staff ({args.requests} requests each, alternating):\n")
    print("| request | with the log, ms (p50) | without, ms (p50) | the log's cost | statements |")
    print("|---|---:|---:|---:|---:|")
    for name, log in log_bench(args.requests).items():
        cost = log["on_ms"] - log["off_ms"]
        ratio = log["on_ms"] / log["off_ms"] if log["off_ms"] else 0.0
        print(
            f"| {name} | {log['on_ms']:.2f} | {log['off_ms']:.2f} | {cost:+.2f} ({ratio:.2f}x) "
            f"| {log['statements_off']} + {log['statements_on'] - log['statements_off']} |"
        )


if __name__ == "__main__":
    main()

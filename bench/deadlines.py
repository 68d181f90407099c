"""Deadline sweep benchmark: one sweep over N open deadlines of which only a few are due.

    python -m bench.deadlines --deadlines 1000000 --due 1000
    python -m bench.deadlines --deadlines 100000 1000000 --due 1000 --reset

Seeds (with PostgreSQL COPY, in the bench database of bench.setup) N running deadlines on
distinct (case, kind) pairs, all due 30-400 days ahead except ``--due`` of them: half
overdue (the sweep marks them missed) and half within the 1-working-day horizon (the
sweep warns for every warning stage). Then, per size:

* EXPLAIN (ANALYZE, BUFFERS) of the sweep's row-selecting queries - the exact SQL and
  parameters ``cases.sweep.deadlines_sweep`` runs, captured from a rolled-back dry run -
  and whether they use the partial index ``deadline_running_due``;
* a per-statement profile of that dry run (where the sweep's time goes);
* ``--repeat`` timed calls of ``deadlines_sweep()`` with the real settings, the due set
  re-seeded before each, and a table of the p50 per size.

The goal (issue): 1,000 due among 1,000,000 open in under 1 s, growing with the due rows,
not the total. Later runs reuse the seeded deadlines and only re-seed the due set;
``--reset`` (or another size) seeds everything again. The Celery broker is in-memory here
so the sweep's after-commit ``delay()`` never reaches a real worker.
"""

import argparse
import datetime
import io
import math
import os
import random
import re
import statistics
import time
from collections import defaultdict

MIN_CASES = 100_000
KINDS_PER_CASE = 5  # DeadlineKind choices: one open deadline per (case, kind)
FAR_BASIS = "Awb 9:11"
DUE_BASIS = "Awb 9:11 (bench: due)"  # marks the due set, re-seeded every run
FAR_DAYS = (30, 400)
SWEEP_EVENT_KINDS = ("deadline_warning", "deadline_missed")
COLUMNS = [
    "case_id", "kind", "is_norm", "term", "params", "start_date", "due_date",
    "legal_basis", "state", "suspended_since", "closed_on", "created_at",
]  # fmt: skip


class _Rollback(Exception):
    pass


def _execute(statement: str, params: list | None = None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def _horizons(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The narrowest and widest warning horizon the sweep uses today."""
    from django.conf import settings

    from cases.deadlines import legal_calendar
    from cases.sweep import working_day_horizon

    cal = legal_calendar()
    days = settings.DEADLINE_WARNING_DAYS
    return working_day_horizon(cal, today, min(days)), working_day_horizon(cal, today, max(days))


def _due_dates(due: int, today: datetime.date, rng: random.Random) -> list[datetime.date]:
    """Half overdue (missed), half within the narrowest warning horizon (warned)."""
    narrow, _ = _horizons(today)
    missed = due // 2
    span = (narrow - today).days
    return [today - datetime.timedelta(days=rng.randint(1, 20)) for _ in range(missed)] + [
        today + datetime.timedelta(days=rng.randint(0, span)) for _ in range(due - missed)
    ]


def _ensure_cases(deadlines: int) -> None:
    from bench.seed import seed_cases
    from cases.models import Case

    needed = max(MIN_CASES, math.ceil(deadlines / KINDS_PER_CASE))
    existing = Case.objects.count()
    if existing < needed:
        seconds = seed_cases(needed - existing, seed=existing)
        print(f"seeded {needed - existing:,} more cases in {seconds:.1f} s")


def _clear_sweep_output(deadline_ids: list[int] | None) -> None:
    """Notifications, history and case events the sweep wrote (all of them if no ids).
    History is append-only in the database: the benchmark erases its own as retention
    would (backend/append_only.py)."""
    from django.db import transaction

    from backend.append_only import erasure_allow

    with transaction.atomic():
        erasure_allow()
        if deadline_ids is None:
            _execute(
                "TRUNCATE cases_deadlinenotification, cases_deadlinechange, cases_deadline "
                "RESTART IDENTITY CASCADE"
            )
        else:
            for table in ("cases_deadlinenotification", "cases_deadlinechange"):
                _execute(f"DELETE FROM {table} WHERE deadline_id = ANY(%s)", [deadline_ids])
        _execute("DELETE FROM cases_caseevent WHERE kind = ANY(%s)", [list(SWEEP_EVENT_KINDS)])


def _vacuum() -> float:
    start = time.perf_counter()
    _execute("VACUUM (ANALYZE) cases_deadline, cases_deadlinenotification, cases_caseevent")
    return time.perf_counter() - start


def seed_all(total: int, due: int, today: datetime.date, *, seed: int = 7) -> float:
    """Replace every deadline: ``total`` running, ``due`` of them due. Returns seconds."""
    from django.db import connection, transaction

    from cases.models import Case, DeadlineKind

    rng = random.Random(seed)
    start = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC).isoformat()
    kinds = [k.value for k in DeadlineKind]
    with transaction.atomic():
        _clear_sweep_output(None)
        case_ids = list(Case.objects.order_by("id").values_list("id", flat=True))
        assert len(case_ids) * len(kinds) >= total, "not enough cases for distinct pairs"
        due_at = dict(zip(rng.sample(range(total), due), _due_dates(due, today, rng), strict=True))
        far = [today + datetime.timedelta(days=d) for d in range(FAR_DAYS[0], FAR_DAYS[1] + 1)]
        buffer = io.StringIO()
        for i in range(total):
            due_date = due_at.get(i) or rng.choice(far)
            basis = DUE_BASIS if i in due_at else FAR_BASIS
            buffer.write(
                f"{case_ids[i % len(case_ids)]}\t{kinds[i // len(case_ids)]}\tf\t"
                f"complaint-handling\t{{}}\t{due_date - datetime.timedelta(days=42)}\t"
                f"{due_date}\t{basis}\trunning\t\\N\t\\N\t{now}\n"
            )
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY cases_deadline ({', '.join(COLUMNS)}) FROM STDIN", buffer)
    copied = time.perf_counter() - start
    vacuumed = _vacuum()
    print(
        f"seeded {total:,} running deadlines ({due:,} due) in {copied + vacuumed:.1f} s "
        f"(COPY {copied:.1f} s, VACUUM ANALYZE {vacuumed:.1f} s, "
        f"{total / (copied + vacuumed):,.0f}/s)"
    )
    return copied + vacuumed


def reseed_due(due: int, today: datetime.date, *, seed: int = 11) -> float:
    """Make the due set due and un-notified again (the last sweep closed or warned it)."""
    from django.db import transaction

    start = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        ids = [row[0] for row in _execute(
            "SELECT id FROM cases_deadline WHERE legal_basis = %s ORDER BY id", [DUE_BASIS]
        )]  # fmt: skip
        _clear_sweep_output(ids)
        dates = _due_dates(len(ids), today, rng)
        rng.shuffle(dates)
        _execute(
            "UPDATE cases_deadline d SET due_date = v.due, "
            "start_date = v.due - 42, state = 'running', closed_on = NULL "
            "FROM unnest(%s::bigint[], %s::date[]) AS v(id, due) WHERE d.id = v.id",
            [ids, dates],
        )
    _vacuum()
    return time.perf_counter() - start


def seeded_matches(total: int, due: int, today: datetime.date) -> bool:
    """Whether the seeded deadlines fit this size and are still far enough ahead."""
    (rows, far_running, due_rows, far_min), *_ = _execute(
        "SELECT count(*), "
        "count(*) FILTER (WHERE state = 'running' AND legal_basis = %s), "
        "count(*) FILTER (WHERE legal_basis = %s), "
        "min(due_date) FILTER (WHERE legal_basis = %s) FROM cases_deadline",
        [FAR_BASIS, DUE_BASIS, FAR_BASIS],
    )
    _, widest = _horizons(today)
    return (
        rows == total
        and far_running == total - due
        and due_rows == due
        and far_min is not None
        and far_min > widest + datetime.timedelta(days=7)
    )


def _shape(sql: str) -> str:
    sql = re.sub(r"(%s, )+%s", "%s...", sql)
    sql = re.sub(r"\((%s\.\.\.|%s)\)(, \((%s\.\.\.|%s)\))+", "(...), ...", sql)
    return " ".join(sql.split())


def dry_run() -> tuple[list[tuple[str, tuple]], dict[str, list[float]], float]:
    """Run the real sweep in a rolled-back transaction.

    Returns the statements worth explaining (its locking SELECTs, then any UPDATE of
    cases_case, i.e. the queue due date refresh of the missed path), the time per
    statement shape, and the wall time.
    """
    from django.db import connection, transaction

    from cases.sweep import deadlines_sweep

    selects: list[tuple[str, tuple]] = []
    updates: list[tuple[str, tuple]] = []
    timings: dict[str, list[float]] = defaultdict(list)

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings[_shape(sql)].append(time.perf_counter() - start)
            statement = sql.lstrip().upper()
            if statement.startswith("SELECT") and "FOR UPDATE" in statement:
                selects.append((sql, tuple(params or ())))
            elif statement.startswith('UPDATE "CASES_CASE"'):
                updates.append((sql, tuple(params or ())))

    start = time.perf_counter()
    try:
        with connection.execute_wrapper(wrapper), transaction.atomic():
            deadlines_sweep()
            raise _Rollback
    except _Rollback:
        pass
    return selects + updates, timings, time.perf_counter() - start


def _explain(sql: str, params: tuple) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) in a transaction that is rolled back (it runs the SQL)."""
    from django.db import connection, transaction

    plan: list[str] = []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
            raise _Rollback
    except _Rollback:
        pass
    return plan


def explain(statements: list[tuple[str, tuple]]) -> None:
    from django.conf import settings

    stages = [f"warning {d} working days" for d in sorted(settings.DEADLINE_WARNING_DAYS)[::-1]]
    labels = iter(["missed (due_date < today)", *stages])
    for sql, params in statements:
        plan = _explain(sql, params)
        text = "\n".join(plan)
        if sql.lstrip().upper().startswith("SELECT"):
            uses_index = "deadline_running_due" in text
            seq_scan = re.search(r"Seq Scan on cases_deadline\b(?!notification)", text) is not None
            verdict = "OK" if uses_index and not seq_scan else "CHECK"
            print(
                f"\n  [{verdict}] {next(labels, 'locking SELECT')}: uses deadline_running_due="
                f"{uses_index}, Seq Scan on cases_deadline={seq_scan}"
            )
        else:
            print("\n  missed path, queue due date refresh of the cases:")
        for line in plan:
            print(f"    {line}")


def print_profile(timings: dict[str, list[float]], wall: float) -> None:
    in_sql = sum(sum(v) for v in timings.values())
    count = sum(len(v) for v in timings.values())
    print(
        f"\n  dry run (rolled back): {wall:.3f} s wall, {count} statements, "
        f"{in_sql:.3f} s in SQL; top statements by total time:"
    )
    print(f"    {'calls':>5} {'total ms':>9} {'avg ms':>7}  statement")
    ranked = sorted(timings.items(), key=lambda item: -sum(item[1]))
    for shape, values in ranked[:8]:
        print(
            f"    {len(values):>5} {sum(values) * 1000:>9.1f} "
            f"{statistics.mean(values) * 1000:>7.2f}  {shape[:110]}"
        )


def bench_size(total: int, due: int, repeat: int, *, reset: bool) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from cases.sweep import deadlines_sweep

    today = timezone.localdate()
    print(f"\n=== {total:,} open deadlines, {due:,} due (today {today}) ===")
    _ensure_cases(total)
    seeded = None
    if reset or not seeded_matches(total, due, today):
        seeded = seed_all(total, due, today)
    else:
        print(f"reusing {total:,} seeded deadlines; due set re-seeded in "
              f"{reseed_due(due, today):.2f} s")  # fmt: skip

    selects, timings, wall = dry_run()
    _vacuum()
    print("\nEXPLAIN (ANALYZE, BUFFERS) of the sweep's row-selecting queries (exact SQL):")
    explain(selects)
    print_profile(timings, wall)

    stages = len(settings.DEADLINE_WARNING_DAYS)
    expected = (due // 2, (due - due // 2) * stages)
    runs = []
    for n in range(repeat):
        reseed_due(due, today)
        start = time.perf_counter()
        result = deadlines_sweep()
        seconds = time.perf_counter() - start
        runs.append((seconds, result.warned, result.missed, len(result.notification_ids)))
        check = "" if (result.missed, result.warned) == expected else f" (expected {expected})"
        print(
            f"  run {n + 1}: {seconds:.3f} s, warned {result.warned:,}, "
            f"missed {result.missed:,}, notifications {len(result.notification_ids):,}{check}"
        )
    reseed_due(due, today)  # leave the bench database ready for the next run
    seconds = [r[0] for r in runs]
    return {
        "total": total,
        "due": due,
        "seeded": seeded,
        "p50": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "warned": runs[-1][1],
        "missed": runs[-1][2],
        "notifications": runs[-1][3],
        "batch": settings.DEADLINE_SWEEP_BATCH,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deadlines", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--due", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reset", action="store_true", help="seed all deadlines again")
    args = parser.parse_args()

    # The sweep enqueues the sender after commit: keep that message in this process.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ["CELERY_RESULT_BACKEND"] = ""
    from bench.setup import django_for_bench

    django_for_bench()
    rows = [
        bench_size(total, args.due, args.repeat, reset=args.reset or n > 0)
        for n, total in enumerate(args.deadlines)
    ]
    batch, repeat = rows[0]["batch"], args.repeat
    print(f"\ndeadlines_sweep(), batch {batch:,}, p50 of {repeat} runs (goal < 1 s)")
    print(
        f"{'open deadlines':>15} {'due':>6} {'p50 s':>7} {'min s':>7} {'max s':>7} "
        f"{'missed':>7} {'warned':>7} {'notifications':>13}"
    )
    for r in rows:
        print(
            f"{r['total']:>15,} {r['due']:>6,} {r['p50']:>7.3f} {r['min']:>7.3f} "
            f"{r['max']:>7.3f} {r['missed']:>7,} {r['warned']:>7,} {r['notifications']:>13,}"
        )


if __name__ == "__main__":
    main()

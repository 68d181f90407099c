"""Seed N cases (with a filer each) fast, with PostgreSQL COPY.

    python -m bench.seed --cases 100000

Spread like a real municipality: two kinds, five teams, most cases open, due dates over
the next weeks (some overdue), a third assigned. References use a bench-only year (2099)
so they never collide with the reference counter of real filings.
"""

import argparse
import datetime
import io
import json
import random
import time

BENCH_YEAR = 2099
SUBJECTS = [
    "Afval niet opgehaald",
    "Lantaarnpaal kapot",
    "Onvriendelijk behandeld aan de balie",
    "Bezwaar tegen parkeervergunning",
    "Bezwaar tegen aanslag afvalstoffenheffing",
    "Lange wachttijd telefoon",
    "Bezwaar tegen omgevingsvergunning dakkapel",
]
NAMES = ["Jansen", "de Vries", "Bakker", "el Amrani", "Yilmaz", "Visser", "Smit", "de Boer"]


def _text(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _copy(cursor, model, rows: list[dict]) -> None:
    """COPY ``rows`` into ``model``'s table. Every column the model has is written: the
    given values (by attribute name), else the field's default - so a new column with a
    default never breaks the seeder."""
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])
    ]
    buffer = io.StringIO()
    for row in rows:
        values = [row[f.attname] if f.attname in row else f.get_default() for f in fields]
        buffer.write("\t".join(_text(v) for v in values) + "\n")
    buffer.seek(0)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)


def seed_cases(count: int, *, seed: int = 42) -> float:
    """Insert ``count`` cases with filer parties; returns the seconds it took."""
    from django.db import connection, transaction

    from backend.accounts.models import Team, User
    from backend.accounts.roles import Role
    from cases.models import Case, Party
    from tests.factories import UserFactory

    rng = random.Random(seed)
    teams = [
        Team.objects.get_or_create(code=f"bench-{i}", defaults={"name": f"Bench team {i}"})[0]
        for i in range(5)
    ]
    handlers = list(User.objects.filter(username__startswith="bench-handler-"))
    if not handlers:
        handlers = [
            UserFactory(username=f"bench-handler-{i}", role=Role.CASE_HANDLER, teams=[teams[i % 5]])
            for i in range(20)
        ]
    start = time.perf_counter()
    now = datetime.datetime.now(datetime.UTC)
    today = now.date()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        first_id = cursor.fetchone()[0] + 1
        cursor.execute(
            "SELECT COALESCE(MAX(last_number), 0) FROM cases_referencecounter WHERE year = %s",
            [BENCH_YEAR],
        )
        cases, parties = [], []
        for offset in range(count):
            case_id = first_id + offset
            objection = rng.random() < 0.4
            subject = rng.choice(SUBJECTS)
            name = f"{rng.choice(['A.', 'M.', 'F.', 'H.'])} {rng.choice(NAMES)}"
            received = now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 120))
            due = today + datetime.timedelta(days=rng.randint(-5, 60))
            closed = received + datetime.timedelta(days=10) if rng.random() < 0.3 else None
            assignee = rng.choice(handlers).pk if rng.random() < 0.33 else None
            prefix = "BZ" if objection else "KL"
            reference = f"{prefix}-{BENCH_YEAR}-{case_id:07d}"
            description = f"{subject}. Melding {case_id} in de wijk."
            cases.append({
                "id": case_id, "reference": reference,
                "kind": "objection" if objection else "complaint", "status": "received",
                "subject": subject, "description": description,
                "channel": rng.choice(["web", "phone", "post", "counter"]),
                "received_at": received, "registered_at": received,
                "team_id": rng.choice(teams).pk, "assignee_id": assignee,
                "assigned_at": received if assignee else None, "queue_due_date": due,
                "closed_at": closed,
                "search_document": f"{reference} {subject} {description} {name}",
            })  # fmt: skip
            parties.append({
                "case_id": case_id, "role": "filer", "party_type": "person", "name": name,
                "phone": "+31612345678", "preferred_channel": "phone",
            })  # fmt: skip
        _copy(cursor, Case, cases)
        _copy(cursor, Party, parties)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
            "(SELECT MAX(id) FROM cases_case))"
        )
        cursor.execute("ANALYZE cases_case; ANALYZE cases_party")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    from bench.setup import django_for_bench

    django_for_bench()
    seconds = seed_cases(args.cases)
    print(f"seeded {args.cases:,} cases in {seconds:.1f} s ({args.cases / seconds:,.0f}/s)")


if __name__ == "__main__":
    main()

"""The service over HTTP, side by side with a bare Django + DRF app (the floor) in one run.

    python -m bench.web --cases 1000000 --seconds 15 --connections 16 --rounds 2

Both run under gunicorn as the image runs the service (gunicorn.conf.py: 2 sync
workers, no access log) on the same PostgreSQL, each on its own fresh database; wrk
(Debian's package) loads them from loopback, 2 threads, in alternating rounds. The floor
is one model, a create view and a cursor-paginated list without authentication
(bench/floor). Every figure is a ratio to the floor's create in the same round, so a
noisy, shared machine moves both.

The service's database is seeded first with ``--cases`` cases by COPY (bench/seed.py:
kinds, states, channels, teams, parties, terms and timelines spread as a municipality's
would be). Scenarios: a resident's form filing (anonymous, the receipt as response) and a
handler's filing (token, the whole case as response), each a ratio to the floor's
create; a handler's queue page of 50 rows (default, and filtered by team and status) and
a case page, each a ratio to the floor's list of 50; a workflow step (confirm receipt,
each request on another open complaint), a ratio to the floor's create. Afterwards a
Celery worker renders the letters the steps asked for; the peak RSS of the web workers
and of that worker are reported. ``--tiny`` is the smoke run ``make test`` does: a few
hundred cases, one short round, nothing written to bench/results.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
SERVICE_DATABASE = os.environ.get("BENCH_WEB_DATABASE", "casehandling_bench_web")
FLOOR_DATABASE = os.environ.get("BENCH_FLOOR_DATABASE", "casehandling_bench_floor")
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/14")
SEEDED_HANDLER = "bench-handler-0"  # bench/seed.py: a handler of a complaints team
STEP = "workflow step, confirm receipt"
FILING_HANDLER = "demo-case-handler"  # seed_demo: files into the intake team they work

FILING = {
    "subject": "Container drie weken niet geleegd",
    "description": "De groene container in onze straat is al drie weken niet geleegd.",
    "parties": [
        {
            "name": "Fatima el Amrani",
            "email": "fatima@example.nl",
            "phone": "06 12345678",
            "street": "Grote Markt",
            "houseNumber": "1",
            "postalCode": "8011LW",
            "city": "Zwolle",
        }
    ],
}
FLOOR_ITEM = {"subject": FILING["subject"], "description": FILING["description"]}
# A signed-in browser session for a handler (the workbench's pages), as the sign-in page
# makes one (its clock as backend.accounts.sessions starts it); the script's output is the
# session key, for the Cookie header.
SESSION_SCRIPT = """
import sys, time
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from backend.accounts.sessions import SEEN, SIGNED_IN
user = get_user_model().objects.get(username=sys.argv[1])
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "backend.accounts.backends.RoleBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session[SIGNED_IN] = session[SEEN] = int(time.time())
session.create()
print(session.session_key)
"""


def _database_fresh(name: str) -> None:
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _service_env(var_dir: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": f"{SERVER}/{SERVICE_DATABASE}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-web-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_VAR_DIR": var_dir,
        "MEDIA_ROOT": str(Path(var_dir) / "media"),
        "CELERY_BROKER_URL": BROKER,
        # The form filing's throttle would answer 429 after 30 an hour.
        "THROTTLE_ANON_FILING": "1000000000/hour",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # Pages name their files by content hash, as in the image (collected in _prepare).
        "STATIC_ROOT": str(Path(var_dir) / "static"),
    }


def _floor_env(port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.floor.settings",
        "FLOOR_DATABASE": FLOOR_DATABASE,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }


def _prepare(var_dir: str, service_port: int, floor_port: int) -> str:
    """Fresh databases, migrated; the demo users; a handler's token."""
    _database_fresh(SERVICE_DATABASE)
    _database_fresh(FLOOR_DATABASE)
    service = _service_env(var_dir, service_port)
    python = sys.executable
    _run([python, "manage.py", "migrate", "--noinput", "-v", "0"], service)
    _run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], service)
    _run([python, "manage.py", "seed_demo", "--force"], service)
    token = _run([python, "manage.py", "createtoken", FILING_HANDLER], service).strip()
    floor = _floor_env(floor_port)
    _run([python, "-m", "django", "migrate", "--run-syncdb", "-v", "0"], floor)
    return token


def _start(app: str, env: dict[str, str]) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [gunicorn, app], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _wait(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server stopped:\n{process.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def _script(
    directory: Path,
    name: str,
    body: dict | None,
    headers: dict[str, str],
    paths: list[str] | None = None,
) -> Path:
    """A wrk script: a POST of ``body``, or a GET when there is none; with ``paths``, each
    request goes to the next of them (the two threads take alternate ones, so no path is
    requested twice). Prints the 95th percentile wrk itself leaves out."""
    lines = ['wrk.method = "GET"']
    if body is not None:
        lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(json.dumps(body))}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    if paths:
        listing = directory / f"{name}.paths"
        listing.write_text("\n".join(paths) + "\n")
        lines += [
            "local threads = 0",
            "function setup(thread) thread:set('offset', threads); threads = threads + 1 end",
            "local paths = {}",
            "function init(args)",
            f"  for line in io.lines({json.dumps(str(listing))}) do paths[#paths + 1] = line end",
            "  n = offset",
            "end",
            "function request()",
            "  n = n + 2",
            "  return wrk.format(nil, paths[(n % #paths) + 1])",
            "end",
        ]
    lines.append(
        "function done(summary, latency, requests) "
        'io.write(string.format("p95 %d\\n", latency:percentile(95))) end'
    )
    path = directory / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def _seed(var_dir: str, port: int, cases: int) -> dict:
    """The service's database seeded by COPY (bench/seed.py), in a process of its own."""
    env = {**_service_env(var_dir, port), "BENCH_DATABASE": SERVICE_DATABASE}
    env.pop("DJANGO_SETTINGS_MODULE")
    out = _run([sys.executable, "-m", "bench.seed", "--cases", str(cases)], env)
    # The seed leaves gigabytes of dirty pages; a checkpoint now writes them before the
    # first scenario rather than in the middle of it (a filing's p95 of 661 ms, once).
    connection = psycopg2.connect(f"{SERVER}/{SERVICE_DATABASE}")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    connection.close()
    return {"cases": cases, "report": out.strip().splitlines()[-1] if out.strip() else ""}


def _query(statement: str, params: list) -> list[tuple]:
    connection = psycopg2.connect(f"{SERVER}/{SERVICE_DATABASE}")
    with connection, connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    connection.close()
    return rows


_TEAMS_OF = """
    SELECT ut.team_id FROM accounts_user_teams ut JOIN accounts_user u ON u.id = ut.user_id
    WHERE u.username = %s
"""


def _team_and_case(username: str) -> tuple[str, str]:
    """A handler's team and its newest complaint (the case page)."""
    rows = _query(
        f"SELECT t.code, c.reference FROM cases_case c JOIN accounts_team t ON t.id = c.team_id"
        f" WHERE c.kind = 'complaint' AND c.team_id IN ({_TEAMS_OF})"
        " ORDER BY c.id DESC LIMIT 1",
        [username],
    )
    if not rows:
        raise SystemExit(f"The seeded data has no complaints for {username}'s team.")
    return rows[0]


def _awaiting_receipt(username: str) -> list[str]:
    """The open complaints a handler works (their teams' and the shared intake, where
    filings without a team land) whose receipt is still to be confirmed."""
    rows = _query(
        "SELECT c.reference FROM cases_case c WHERE c.kind = 'complaint'"
        " AND c.status = 'received' AND c.closed_at IS NULL"
        f" AND (c.team_id IS NULL OR c.team_id IN ({_TEAMS_OF})) ORDER BY c.id",
        [username],
    )
    return [row[0] for row in rows]


def _peak_rss_mib(process: subprocess.Popen) -> float:
    """The highest resident set of a process's children (gunicorn's or Celery's workers)."""
    peaks = []
    for child in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split():
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except FileNotFoundError:
            continue  # ended between the listing and the read
        # A child that has just ended (a zombie) has no memory left to report.
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if found:
            peaks.append(int(found.group(1)))
    return round(max(peaks, default=0) / 1024, 1)


def _worker_drain(var_dir: str, port: int, seconds: int) -> dict:
    """A Celery worker (2 processes, as the image runs it) on what the steps queued: the
    letters they asked for, rendered. Its peak RSS, and how many letters it made."""
    env = {**_service_env(var_dir, port)}
    celery = str(Path(sys.executable).parent / "celery")
    worker = subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
        [celery, "-A", "backend", "worker", "--concurrency", "2", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    connection = psycopg2.connect(f"{SERVER}/{SERVICE_DATABASE}")
    connection.autocommit = True
    try:
        end = time.monotonic() + seconds
        letters = 0
        peak = 0.0
        while time.monotonic() < end:
            time.sleep(1)
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM letters_letter")
                letters = cursor.fetchone()[0]
            if worker.poll() is None:
                peak = max(peak, _peak_rss_mib(worker))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        connection.close()
    return {"worker_peak_rss_mib": peak, "letters_rendered": letters}


def _milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _wrk(url: str, script: Path, seconds: int, connections: int) -> dict:
    out = subprocess.run(  # noqa: S603 - Debian's wrk on loopback
        [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    p95 = re.search(r"^p95 (\d+)$", out, re.MULTILINE)
    if len(percentiles) != 3 or p95 is None:
        raise SystemExit(f"wrk printed no latency distribution:\n{out}")
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.MULTILINE)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = int(failed.group(1)) if failed else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {
        # Only answers that did the work count (a step on a case already stepped is a 409).
        "rps": rps * (requests - non_2xx) / requests if requests else 0.0,
        "p50_ms": _milliseconds(percentiles["50"]),
        "p90_ms": _milliseconds(percentiles["90"]),
        "p95_ms": int(p95.group(1)) / 1000,
        "p99_ms": _milliseconds(percentiles["99"]),
        "non_2xx": non_2xx,
        "socket_errors": errors.group(1) if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cases", type=int, default=1_000_000, help="seeded before the run")
    parser.add_argument("--tiny", action="store_true", help="one short round, no results file")
    args = parser.parse_args()
    if args.tiny:
        args.seconds, args.connections, args.rounds, args.cases = 1, 2, 1, 300
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: scripts/system-deps.sh installs it (Debian's wrk).")

    service_port, floor_port = _free_port(), _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as var_dir:
        token = _prepare(var_dir, service_port, floor_port)
        seeding = _seed(var_dir, service_port, args.cases)
        # The seeded cases are worked by the seeder's teams: their first handler reads and
        # steps; the demo handler files (into the demo intake team, which they work).
        reader_token = _run(
            [sys.executable, "manage.py", "createtoken", SEEDED_HANDLER],
            _service_env(var_dir, service_port),
        ).strip()
        team, reference = _team_and_case(SEEDED_HANDLER)
        session = _run(
            [sys.executable, "-c", SESSION_SCRIPT, SEEDED_HANDLER],
            _service_env(var_dir, service_port),
        ).strip()
        browser = {"Cookie": f"sessionid={session}", "Accept": "text/html"}
        workbench = f"http://127.0.0.1:{service_port}/werkbank"
        scripts = Path(var_dir)
        json_headers = {"Content-Type": "application/json"}
        handler = {**json_headers, "Authorization": f"Token {token}"}
        seeded = {**json_headers, "Authorization": f"Token {reader_token}"}
        service = f"http://127.0.0.1:{service_port}/api/v1"
        # name: (url, script, the floor scenario it is a ratio to). The lists run after
        # the filings, so there are thousands of rows to page through on both sides.
        scenarios = {
            "floor: create": (
                f"http://127.0.0.1:{floor_port}/items",
                _script(scripts, "floor", FLOOR_ITEM, json_headers),
                "floor: create",
            ),
            "filing, resident's form": (
                f"{service}/complaints",
                _script(scripts, "resident", FILING, json_headers),
                "floor: create",
            ),
            "filing, handler": (
                f"{service}/complaints",
                _script(scripts, "handler", FILING, handler),
                "floor: create",
            ),
            "floor: list, 50 rows": (
                f"http://127.0.0.1:{floor_port}/items",
                _script(scripts, "floor-list", None, {}),
                "floor: list, 50 rows",
            ),
            "queue page, handler, 50 rows": (
                f"{service}/cases?pageSize=50",
                _script(scripts, "queue", None, seeded),
                "floor: list, 50 rows",
            ),
            "queue page, handler, team + status, 50 rows": (
                f"{service}/cases?team={team}&status=received&pageSize=50",
                _script(scripts, "queue-team", None, seeded),
                "floor: list, 50 rows",
            ),
            "case page, handler": (
                f"{service}/cases/{reference}",
                _script(scripts, "case", None, seeded),
                "floor: list, 50 rows",
            ),
            # The same reads as HTML in the workbench (a session, a 25-row page).
            "workbench queue page, handler, 25 rows": (
                f"{workbench}/?view=team",
                _script(scripts, "workbench-queue", None, browser),
                "floor: list, 50 rows",
            ),
            "workbench case page, handler": (
                f"{workbench}/zaken/{reference}",
                _script(scripts, "workbench-case", None, browser),
                "floor: list, 50 rows",
            ),
            # Each request on another complaint awaiting its receipt: those the demo
            # handler filed in the rounds so far (built anew before each run).
            STEP: (
                service,
                lambda: _script(
                    scripts,
                    "step",
                    {},
                    handler,
                    paths=[
                        f"/api/v1/complaints/{ref}/steps/confirm-receipt"
                        for ref in _awaiting_receipt(FILING_HANDLER)
                    ],
                ),
                "floor: create",
            ),
        }
        servers = [
            _start("backend.wsgi:application", _service_env(var_dir, service_port)),
            _start("bench.floor.wsgi:application", _floor_env(floor_port)),
        ]
        try:
            _wait(f"http://127.0.0.1:{service_port}/api/v1/health", servers[0])
            _wait(f"http://127.0.0.1:{floor_port}/items", servers[1])
            for url, script, _ in scenarios.values():  # warm up: imports, connections
                _wrk(url, script() if callable(script) else script, 1, args.connections)
            runs: dict[str, list[dict]] = {name: [] for name in scenarios}
            for _ in range(args.rounds):
                for name, (url, script, _) in scenarios.items():
                    built = script() if callable(script) else script
                    runs[name].append(_wrk(url, built, args.seconds, args.connections))
            memory = {"web_peak_rss_mib": _peak_rss_mib(servers[0])}
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                server.wait(timeout=30)
        try:
            memory |= _worker_drain(var_dir, service_port, 5 if args.tiny else 60)
        finally:
            _broker_purge()

    rows = []
    for name, measured in runs.items():
        rps = statistics.median(run["rps"] for run in measured)
        floor = statistics.median(run["rps"] for run in runs[scenarios[name][2]])
        rows.append(
            {
                "scenario": name,
                "rps": round(rps, 1),
                "p50_ms": statistics.median(run["p50_ms"] for run in measured),
                "p95_ms": statistics.median(run["p95_ms"] for run in measured),
                "p99_ms": statistics.median(run["p99_ms"] for run in measured),
                "ratio_to_floor": round(rps / floor, 3),
                "non_2xx": sum(run["non_2xx"] for run in measured),
            }
        )
    table = _table(rows, args, seeding, memory)
    print(table)
    # The step runs out of complaints awaiting a receipt when it outpaces the filings
    # before it; its 409s are left out of its rate. Anywhere else an error is a failure.
    # A scenario that got no answer at all in its time (a worker stuck or crashing) is a
    # failure too, not a 0 in the table.
    failed = [row for row in rows if (row["non_2xx"] or not row["rps"]) and row["scenario"] != STEP]
    if failed:
        raise SystemExit(f"answers other than 2xx, or none: {failed}")
    if not args.tiny:
        RESULTS.mkdir(exist_ok=True)
        machine = {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
        }
        report = {
            "machine": machine,
            "arguments": vars(args),
            "seeding": seeding,
            "memory": memory,
            "rows": rows,
        }
        (RESULTS / "web.json").write_text(json.dumps(report, indent=2) + "\n")
        (RESULTS / "web.md").write_text(table + "\n")


def _table(rows: list[dict], args: argparse.Namespace, seeding: dict, memory: dict) -> str:
    lines = [
        f"{seeding['cases']:,} seeded cases ({seeding['report']}); wrk -t2 -c{args.connections} "
        f"-d{args.seconds}s, median of {args.rounds} round(s); gunicorn 2 sync workers each; "
        f"{os.cpu_count()} CPUs, {platform.platform()}. Each ratio is to the floor scenario of "
        "its kind.",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | ratio to floor |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['scenario']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
        f"{r['p99_ms']:.1f} | {r['ratio_to_floor']:.0%} |"
        for r in rows
    ]
    lines += [
        "",
        f"Peak RSS: a web worker {memory.get('web_peak_rss_mib', 0):.0f} MiB, a Celery worker "
        f"process {memory.get('worker_peak_rss_mib', 0):.0f} MiB (rendering "
        f"{memory.get('letters_rendered', 0):,} letters the steps asked for).",
    ]
    return "\n".join(lines)


def _broker_purge() -> None:
    """What the worker did not get to (and the floor's nothing): dropped."""
    import redis

    redis.Redis.from_url(BROKER).flushdb()


if __name__ == "__main__":
    main()

"""Filing over HTTP, side by side with a bare Django + DRF app (the floor) in one run.

    python -m bench.web --seconds 15 --connections 16 --rounds 2

Both run under gunicorn as the image runs the service (gunicorn.conf.py: 2 sync
workers, no access log) on the same PostgreSQL, each on its own fresh database; wrk
(Debian's package) loads them from loopback, 2 threads, in alternating rounds. The floor
is one model, a create view and a cursor-paginated list without authentication
(bench/floor). Every figure is a ratio to the floor's create in the same round, so a
noisy, shared machine moves both.

Scenarios: a resident's form filing (anonymous, the receipt as response) and a handler's
filing (token, the whole case as response), each a ratio to the floor's create; a
handler's queue page of 50 rows, a ratio to the floor's list of 50. ``--tiny`` is the
smoke run ``make test`` does: one short round, nothing written to bench/results.
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
    _run([python, "manage.py", "seed_demo", "--force"], service)
    token = _run([python, "manage.py", "createtoken", "demo-case-handler"], service).strip()
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


def _script(directory: Path, name: str, body: dict | None, headers: dict[str, str]) -> Path:
    """A wrk script: a POST of ``body``, or a GET when there is none."""
    lines = ['wrk.method = "GET"']
    if body is not None:
        lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(json.dumps(body))}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    path = directory / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


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
    if len(percentiles) != 3:
        raise SystemExit(f"wrk printed no latency distribution:\n{out}")
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.MULTILINE)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _milliseconds(percentiles["50"]),
        "p90_ms": _milliseconds(percentiles["90"]),
        "p99_ms": _milliseconds(percentiles["99"]),
        "non_2xx": int(failed.group(1)) if failed else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tiny", action="store_true", help="one short round, no results file")
    args = parser.parse_args()
    if args.tiny:
        args.seconds, args.connections, args.rounds = 1, 2, 1
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: scripts/system-deps.sh installs it (Debian's wrk).")

    service_port, floor_port = _free_port(), _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-web-") as var_dir:
        token = _prepare(var_dir, service_port, floor_port)
        scripts = Path(var_dir)
        json_headers = {"Content-Type": "application/json"}
        handler = {**json_headers, "Authorization": f"Token {token}"}
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
                f"{service}/cases?status=received&pageSize=50",
                _script(scripts, "queue", None, handler),
                "floor: list, 50 rows",
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
                _wrk(url, script, 1, args.connections)
            runs: dict[str, list[dict]] = {name: [] for name in scenarios}
            for _ in range(args.rounds):
                for name, (url, script, _) in scenarios.items():
                    runs[name].append(_wrk(url, script, args.seconds, args.connections))
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                server.wait(timeout=30)
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
                "p99_ms": statistics.median(run["p99_ms"] for run in measured),
                "ratio_to_floor": round(rps / floor, 3),
                "non_2xx": sum(run["non_2xx"] for run in measured),
            }
        )
    table = _table(rows, args)
    print(table)
    failed = [row for row in rows if row["non_2xx"]]
    if failed:
        raise SystemExit(f"answers other than 2xx: {failed}")
    if not args.tiny:
        RESULTS.mkdir(exist_ok=True)
        machine = {"cpus": os.cpu_count(), "platform": platform.platform()}
        (RESULTS / "web.json").write_text(
            json.dumps({"machine": machine, "arguments": vars(args), "rows": rows}, indent=2) + "\n"
        )
        (RESULTS / "web.md").write_text(table + "\n")


def _table(rows: list[dict], args: argparse.Namespace) -> str:
    lines = [
        f"wrk -t2 -c{args.connections} -d{args.seconds}s, median of {args.rounds} round(s); "
        "gunicorn 2 sync workers each; each ratio is to the floor scenario of its kind.",
        "",
        "| scenario | req/s | p50 ms | p99 ms | ratio to floor |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['scenario']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
        f"{r['ratio_to_floor']:.0%} |"
        for r in rows
    ]
    return "\n".join(lines)


def _broker_purge() -> None:
    """The filings queued work for a worker that does not run here: drop it."""
    import redis

    redis.Redis.from_url(BROKER).flushdb()


if __name__ == "__main__":
    main()

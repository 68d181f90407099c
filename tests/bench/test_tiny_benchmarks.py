"""A tiny run of every benchmark, so a schema change that breaks a seeder fails CI rather
than the next person who runs ``make bench`` (the figures themselves are not asserted:
speed is measured by ``make bench``, not by tests)."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "casehandling_bench_tiny"
RUNS = {
    "queue": (["--cases", "300", "--repeat", "2"], "page 21 (or last) via cursor"),
    "deadlines": (["--deadlines", "2000", "--due", "50", "--repeat", "1"], "open deadlines"),
    "letters": (["--letters", "5"], "pipeline / bare:"),
    "relay": (
        ["--events", "200", "--workers", "1", "2", "--rounds", "1", "--webhooks", "30"],
        "| end to end / bare |",
    ),
    "privacy": (
        ["--figures", "2000", "--requests", "10", "--repeat", "1"],
        "| queue page (50 rows) |",
    ),
    # Two gunicorns and wrk on loopback for a second a scenario; writes no results file.
    "web": (["--tiny"], "| workbench queue page, handler, 25 rows |"),
}


@pytest.fixture(scope="module")
def empty_bench_database():
    """A new benchmark database for this run: what a fresh clone's ``make bench`` sees."""
    server = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(DATABASE)))
    connection.close()
    return DATABASE


@pytest.mark.parametrize("name", list(RUNS))
def test_benchmark_runs_at_tiny_size(empty_bench_database, name):
    arguments, expected = RUNS[name]
    environment = {
        **os.environ,
        "BENCH_DATABASE": empty_bench_database,
        # bench.web's own databases, apart from a full run's (which then survives a test run)
        "BENCH_WEB_DATABASE": f"{empty_bench_database}_web",
        "BENCH_FLOOR_DATABASE": f"{empty_bench_database}_floor",
        "DJANGO_SETTINGS_MODULE": "backend.test_settings",
    }
    environment.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", f"bench.{name}", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert expected in done.stdout, done.stdout[-3000:]

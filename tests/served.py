"""The project's gunicorn (its gunicorn.conf.py, as the image runs it) against the test
database, for tests that go through the real web server."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as a process started by a test reaches it."""
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}"
    )


def production_environment(**overrides: str) -> dict[str, str]:
    """What production gives the service's processes (no debug, no .env), pointing at
    the test database and an in-memory broker; ``overrides`` on top."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "served-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_READ_DOT_ENV": "false",
        "CELERY_BROKER_URL": "memory://",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def service_environment(port: int, **overrides: str) -> dict[str, str]:
    """``production_environment`` for one gunicorn worker on ``port``."""
    return production_environment(
        **{"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1", **overrides}
    )


@contextlib.contextmanager
def gunicorn(
    port: int, environment: dict[str, str], output: IO[bytes] | None = None
) -> Iterator[subprocess.Popen]:
    """gunicorn serving ``backend.wsgi`` until the block ends; its output to ``output``
    (by default kept, and shown if it stops before it listens)."""
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "backend.wsgi:application"],
        cwd=ROOT,
        env=environment,
        stdout=output if output is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if output is not None else subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    said = process.stderr.read().decode() if process.stderr else ""
                    raise AssertionError(f"gunicorn stopped: {said[-3000:]}") from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)

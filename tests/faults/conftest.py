"""Fixtures of the fault tests: the service's real processes on loopback.

Each test owns what it breaks: a ``redis-server`` on a free port (the broker it stops and
starts again), gunicorn, Celery workers and beats started as production starts them
(against the test database, which the tests reach because they are transactional), and
a small SMTP server that counts the messages it accepted and can leave one unanswered,
as a hung mail relay does. Every process runs in its own process group; whatever is still
running when the test ends - passed or failed - is killed with its children.

The test process itself never publishes to a broker (its settings name the shared one):
work it sets in motion waits in the database, and the tests send the periodic tasks as
beat does, to their own broker.
"""

import contextlib
import itertools
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from backend import tasks
from tests.conftest import reference_sequences_drop, roles_create
from tests.served import production_environment

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` when it does not in time."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


class Processes:
    """The processes one test started, each in its own session and with its own log."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[subprocess.Popen] = []
        self._numbers = itertools.count(1)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log_path = self.folder / f"{next(self._numbers):02d}-{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own commands, fixed arguments
                argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        process.log_path = log_path  # type: ignore[attr-defined]
        self.started.append(process)
        return process

    @staticmethod
    def log(process: subprocess.Popen) -> str:
        return process.log_path.read_text(errors="replace")  # type: ignore[attr-defined]

    @staticmethod
    def signal_group(process: subprocess.Popen, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(process.pid, sig)  # the leader and its children (prefork, gunicorn)

    def stop(self, process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 20):
        """SIGTERM to the leader, as an orchestrator stops a container (a Celery worker
        then finishes what its pool runs: a warm shutdown; had the pool processes had it
        too, they would die mid-task); SIGKILL to the whole group. Whatever is not gone
        in time is killed."""
        if sig == signal.SIGKILL:
            self.signal_group(process, sig)
        else:
            process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(process, signal.SIGKILL)
            process.wait(timeout=10)
        self.signal_group(process, signal.SIGKILL)  # children the leader left behind

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL, as the kernel's OOM killer or a lost node would: no cleanup at all."""
        self.stop(process, signal.SIGKILL)

    def close(self) -> None:
        for process in self.started:
            self.signal_group(process, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.close()


class Broker:
    """A ``redis-server`` of the test's own on a free loopback port, without persistence:
    stopping it is the broker going down (with whatever it held)."""

    def __init__(self, processes: Processes, folder: Path) -> None:
        self.processes, self.folder = processes, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if shutil.which("redis-server") is None:
            pytest.fail("the fault tests start a redis-server of their own: install redis-server")
        self.process = self.processes.start(
            "redis",
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--loglevel", "warning"],
            dict(os.environ),
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            assert self.process.poll() is None, Processes.log(self.process)
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, 20, "redis-server")
        client.close()

    def stop(self) -> None:
        assert self.process is not None
        self.processes.stop(self.process)
        self.process = None

    def send(self, *task_names: str) -> None:
        """Send periodic tasks as beat does: a message each, no result wanted."""
        from backend.celery import app

        with app.connection_for_write(self.url) as conn:
            for name in task_names:
                app.send_task(name, connection=conn, ignore_result=True)


@pytest.fixture
def broker(processes: Processes, tmp_path: Path) -> Broker:
    running = Broker(processes, tmp_path)
    running.start()
    return running


class MailServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP for Django's backend. ``accepted`` holds each message the server
    said yes to; with ``hold_next`` set it reads the next message whole and then never
    answers (a hung relay), setting ``holding``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPSession)
        self.accepted: list[bytes] = []
        self.hold_next = threading.Event()
        self.holding = threading.Event()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.server_address[1]}"


class _SMTPSession(socketserver.StreamRequestHandler):
    server: MailServer

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 faults.test ESMTP")
        while line := self.rfile.readline():
            command = line[:4].upper()
            if command == b"DATA":
                self._say("354 end with <CRLF>.<CRLF>")
                message = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                if self.server.hold_next.is_set():
                    self.server.hold_next.clear()
                    self.server.holding.set()
                    self.rfile.read()  # say nothing until the sender hangs up (or dies)
                    return
                self.server.accepted.append(message)
                self._say("250 queued")
            elif command == b"QUIT":
                self._say("221 bye")
                return
            else:  # EHLO, MAIL FROM, RCPT TO, RSET, NOOP
                self._say("250 ok")


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def fresh_database(transactional_db, monkeypatch):
    """Roles back after the flush, references from 1, and no publishing from here."""
    roles_create()
    reference_sequences_drop()
    monkeypatch.setattr(tasks, "_broker_down_until", float("inf"))
    yield
    connection.close()


def service_environment(broker: Broker, folder: Path, **extra: str) -> dict[str, str]:
    """The environment production gives web, worker and beat, pointing at the test
    database, the test's broker and media folder."""
    return production_environment(
        **{
            "DJANGO_VAR_DIR": str(folder / "var"),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CELERY_BROKER_URL": broker.url,
            "CELERY_RESULT_BACKEND": "",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
            **extra,
        }
    )


def worker_start(processes: Processes, environment: dict[str, str], name: str, *args: str):
    """``celery worker`` as the image runs it (prefork), one child unless told otherwise;
    returns once it consumes."""
    worker = processes.start(
        name,
        [str(BIN / "celery"), "-A", "backend", "worker", "--loglevel=INFO",
         f"--hostname={name}@%h", "--without-mingle", "--without-gossip", *args],
        environment,
    )  # fmt: skip

    def ready() -> bool:
        assert worker.poll() is None, Processes.log(worker)[-3000:]
        return " ready." in Processes.log(worker)

    wait_for(ready, 60, f"the worker {name}")
    return worker

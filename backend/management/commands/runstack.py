"""``manage.py runstack``: web, Celery worker and Celery beat together, in the foreground.

For the embedded setup (``make run``). Ctrl-C (or SIGTERM) stops all three; if one of
them dies the others are stopped too, so a half-running service never goes unnoticed.
"""

import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat until Ctrl-C."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args: object, port: int, host: str, **options: object) -> None:
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload",
                    "--skip-checks"],
            "worker": [
                python, "-m", "celery", "-A", "backend", "--quiet", "worker",
                "--loglevel=WARNING", "--concurrency=2", "--hostname=worker@%h",
            ],
            "beat": [python, "-m", "celery", "-A", "backend", "--quiet", "beat",
                     "--loglevel=WARNING"],
        }  # fmt: skip
        # A quiet start: what a person needs was printed before (URLs, logins, tokens);
        # warnings and errors still show. Not the development server's production
        # warning (this is the embedded setup by design), nor Celery's about running as
        # root (a developer's container often is).
        environment = {
            **os.environ,
            "DJANGO_RUNSERVER_HIDE_WARNING": "true",
            "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges",
        }
        processes = {
            name: subprocess.Popen(cmd, env=environment)  # noqa: S603
            for name, cmd in commands.items()
        }
        self.stdout.write(f"Web, worker and beat started on http://{host}:{port}/ (Ctrl-C stops).")
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                dead = [name for name, proc in processes.items() if proc.poll() is not None]
                if dead:
                    self.stderr.write(f"{', '.join(dead)} stopped; stopping the others.")
                    break
                time.sleep(0.5)
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for proc in processes.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.stdout.write("Stopped web, worker and beat.")

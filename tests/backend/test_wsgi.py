"""The WSGI entry point and gunicorn's configuration: a worker is ready before it takes
its first request, and a replaced worker is a fork of a master that loaded the app."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_application_loads_the_url_configuration():
    """Every view (and WeasyPrint, through the letters) is imported by gunicorn's worker
    when it loads the app, not by the first request it answers."""
    probe = (
        "import sys, backend.wsgi; "
        "print(all(m in sys.modules for m in ('backend.urls', 'letters.urls', 'weasyprint')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    assert done.stdout.strip() == "True", done.stderr


def _workers(master: int) -> set[int]:
    return {int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()}


def test_replaced_workers_are_forks_of_a_master_that_loaded_the_app(db):
    """gunicorn.conf.py preloads: the master holds the app (WeasyPrint's Pango is mapped
    into it), workers are replaced every few requests here, and each replacement answers
    with the database at once - no connection of the master's is shared with it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "preload-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_READ_DOT_ENV": "false",
        "CELERY_BROKER_URL": "memory://",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "3",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
    }
    master = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "backend.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/api/v1/health/ready"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                assert master.poll() is None, master.stderr.read().decode()[-3000:]
                time.sleep(0.2)
        assert "libpango" in Path(f"/proc/{master.pid}/maps").read_text()
        first = _workers(master.pid)
        answers = []
        for _ in range(20):
            with urllib.request.urlopen(url, timeout=10) as response:
                answers.append(response.status)
        assert answers == [200] * 20  # the readiness check reads the database
        assert not first & _workers(master.pid)  # every worker has been replaced
    finally:
        master.terminate()
        master.wait(timeout=30)

"""The WSGI entry point and gunicorn's configuration: a worker is ready before it takes
its first request, and a replaced worker is a fork of a master that loaded the app."""

import gc
import os
import runpy
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from tests.served import free_port, gunicorn, service_environment

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
    port = free_port()
    environment = service_environment(
        port, WEB_CONCURRENCY="2", GUNICORN_MAX_REQUESTS="3", GUNICORN_MAX_REQUESTS_JITTER="0"
    )
    with gunicorn(port, environment) as master:
        url = f"http://127.0.0.1:{port}/api/v1/health/ready"
        assert "libpango" in Path(f"/proc/{master.pid}/maps").read_text()
        first = _workers(master.pid)
        answers = []
        for _ in range(20):
            with urllib.request.urlopen(url, timeout=10) as response:
                answers.append(response.status)
        assert answers == [200] * 20  # the readiness check reads the database
        assert not first & _workers(master.pid)  # every worker has been replaced


def test_the_master_freezes_what_it_loaded_before_each_fork():
    """Before a fork the application's objects go to the collector's permanent generation:
    a worker's collections do not walk them (gunicorn.conf.py)."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["preload_app"] is True
    try:
        conf["pre_fork"](None, None)
        assert gc.get_freeze_count() > 10_000  # the modules of Django and the service
    finally:
        gc.unfreeze()


def _collections_during(call: Callable[[], None]) -> list[int]:
    """The generations the collector collected while ``call`` ran."""
    collected: list[int] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            collected.append(info["generation"])

    gc.callbacks.append(note)
    try:
        call()
    finally:
        gc.callbacks.remove(note)
    return collected


def test_a_worker_collects_between_requests_not_during_them():
    """Each request starts with a collection of the young generations, every thousandth
    with a full one; the automatic collection waits for 10,000 new objects (gunicorn.conf.py)."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    thresholds = gc.get_threshold()
    try:
        conf["post_fork"](None, None)
        assert gc.get_threshold() == (10_000, *thresholds[1:])
        for answered, generation in ((0, 2), (1, 1), (998, 1), (999, 1), (1000, 2), (2000, 2)):
            worker = SimpleNamespace(nr=answered)
            assert _collections_during(lambda w=worker: conf["pre_request"](w, None)) == [
                generation
            ], answered
    finally:
        gc.set_threshold(*thresholds)


def test_the_collector_keeps_its_defaults_when_switched_off(monkeypatch):
    monkeypatch.setenv("GUNICORN_GC_BETWEEN_REQUESTS", "false")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    thresholds = gc.get_threshold()
    conf["post_fork"](None, None)
    assert gc.get_threshold() == thresholds
    assert _collections_during(lambda: conf["pre_request"](SimpleNamespace(nr=0), None)) == []

"""Enqueueing work never fails or holds up a request while the broker is down: one quick
try, then none for a while; the work waits in the database for the periodic run."""

import logging

import pytest
from celery import Celery
from django.conf import settings

from backend import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_task(monkeypatch):
    """A task of an app configured as the service's, whose broker does not answer."""
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery prefers it to its conf
    app = Celery("unreachable", set_as_current=False)
    app.conf.update(
        broker_url="redis://127.0.0.1:1/0",  # nothing listens there
        broker_transport_options=dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS),
        broker_connection_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
    )

    @app.task(name="tests.noop", shared=False)
    def noop() -> None:
        return None

    yield noop
    tasks._broker_down_until = 0.0


def test_publishing_tries_the_broker_once_within_a_second():
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["max_retries"] == 0
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT <= 1


def test_a_down_broker_is_tried_once_then_left_alone(
    unreachable_task, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO, logger="backend.tasks"):
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                tasks.enqueue_after_commit(unreachable_task)
    messages = [r.getMessage() for r in caplog.records if r.name == "backend.tasks"]
    assert messages == [
        "Could not enqueue tests.noop; the periodic run will pick it up",
        "Broker down: tests.noop left to the periodic run",
        "Broker down: tests.noop left to the periodic run",
    ]


def test_after_the_pause_the_broker_is_tried_again(
    unreachable_task, caplog, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_after_commit(unreachable_task)
    monkeypatch.setattr(tasks, "_broker_down_until", 0.0)  # the pause is over
    caplog.clear()
    with (
        caplog.at_level(logging.WARNING, logger="backend.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.enqueue_after_commit(unreachable_task)
    assert [r.getMessage() for r in caplog.records if r.name == "backend.tasks"] == [
        "Could not enqueue tests.noop; the periodic run will pick it up"
    ]

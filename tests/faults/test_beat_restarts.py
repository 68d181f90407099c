"""Celery beat restarted twice within one sweep interval - once killed (SIGKILL: the
schedule file never learns it sent the sweep, so the next beat sends it again at once),
once stopped (SIGTERM) - with a worker running: every deadline warning and escalation is
recorded once and e-mailed once, however many sweeps the beats sent.

The beats are ``celery beat`` as the image runs it, with the project's schedule and its
schedule file (``CELERY_BEAT_SCHEDULE_FILENAME`` under ``DJANGO_VAR_DIR``), kept between
restarts as on a volume; only the sweep interval is short (``DEADLINE_SWEEP_SECONDS``).
"""

import collections
import datetime
import re

import pytest
import redis
from django.utils import timezone

from backend.accounts.roles import Role
from cases import deadlines, sweep
from cases.models import (
    CaseEvent,
    Deadline,
    DeadlineKind,
    DeadlineNotification,
    DeadlineState,
    EventKind,
    NotificationStage,
)
from tests.factories import CaseFactory, TeamFactory, UserFactory
from tests.faults.conftest import (
    BIN,
    Processes,
    service_environment,
    wait_for,
    worker_start,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

SWEEP_SECONDS = 4
SENT_SWEEP = "Sending due task deadlines-sweep"


def a_term_due(case, working_days: int | None = None, *, days_ago: int = 0) -> Deadline:
    """A running complaint term of ``case`` ending ``working_days`` working days from
    today (the last such day), or ``days_ago`` days before today."""
    today = timezone.localdate()
    deadline = deadlines.deadline_start(
        case=case, kind=DeadlineKind.COMPLAINT_HANDLING, term="complaint-handling",
        start_date=today - datetime.timedelta(weeks=6),
    )  # fmt: skip
    if working_days is None:
        due = today - datetime.timedelta(days=days_ago)
    else:
        due = sweep.working_day_horizon(deadlines.legal_calendar(), today, working_days)
    Deadline.objects.filter(pk=deadline.pk).update(due_date=due)
    return deadline


def test_beat_restarted_twice_within_a_sweep_interval_warns_once(processes, broker, mail, tmp_path):
    team = TeamFactory()
    handler = UserFactory(role=Role.CASE_HANDLER, teams=[team], email="behandelaar@gemeente.test")
    UserFactory(role=Role.TEAM_LEAD, teams=[team], email="teamleider@gemeente.test")
    cases = [CaseFactory(team=team, assignee=handler) for _ in range(7)]
    for case in cases[:3]:
        a_term_due(case, 1)  # inside both horizons: warned 5 and 1 working days before
    for case in cases[3:6]:
        a_term_due(case, 3)  # inside the 5-day horizon only
    missed = a_term_due(cases[6], days_ago=1)  # escalated to the team lead
    expected = {
        (d.pk, NotificationStage.WARNING, days)
        for d in Deadline.objects.filter(case__in=cases[:3])
        for days in (5, 1)
    }
    expected |= {
        (d.pk, NotificationStage.WARNING, 5) for d in Deadline.objects.filter(case__in=cases[3:6])
    }
    expected |= {(missed.pk, NotificationStage.MISSED, 0)}
    (tmp_path / "var").mkdir()
    environment = service_environment(
        broker, tmp_path, EMAIL_URL=mail.url, DEADLINE_SWEEP_SECONDS=str(SWEEP_SECONDS)
    )
    worker = worker_start(processes, environment, "worker")
    beat_command = [str(BIN / "celery"), "-A", "backend", "beat", "--loglevel=INFO"]

    def sweeps_received() -> int:
        return len(re.findall(r"deadlines_sweep\[[^\]]+\] received", Processes.log(worker)))

    def beat_until_it_sweeps(name: str):
        """A beat, once the worker has the sweep it sent (a beat stopped while it sends
        may record the run without sending it: the next interval sweeps)."""
        received = sweeps_received()
        beat = processes.start(name, beat_command, environment)

        def swept() -> bool:
            assert beat.poll() is None, Processes.log(beat)[-3000:]
            return SENT_SWEEP in Processes.log(beat) and sweeps_received() > received

        wait_for(swept, SWEEP_SECONDS + 30, f"{name}'s sweep to reach the worker")
        return beat

    processes.kill(beat_until_it_sweeps("beat-a"))  # dies before it records the run
    processes.stop(beat_until_it_sweeps("beat-b"))  # stops as in a rolling update
    processes.stop(beat_until_it_sweeps("beat-c"))
    queue = redis.Redis(port=broker.port)
    wait_for(
        lambda: (
            DeadlineNotification.objects.filter(sent_at__isnull=False).count() == len(expected)
            and queue.llen("celery") == 0
        ),
        60,
        "the warnings to be sent",
    )
    queue.close()
    processes.stop(worker)  # a warm shutdown: what it runs, it finishes

    log = Processes.log(worker)
    # Three sweeps ran (none expired waiting), each after the others had committed or
    # beside them; the first recorded everything.
    assert len(re.findall(r"deadlines_sweep\[[^\]]+\] succeeded", log)) == 3, log[-3000:]
    assert "raised" not in log, log[-3000:]
    recorded = collections.Counter(
        DeadlineNotification.objects.values_list("deadline_id", "stage", "days_before")
    )
    assert recorded == dict.fromkeys(expected, 1)
    events = collections.Counter(
        CaseEvent.objects.filter(
            kind__in=[EventKind.DEADLINE_WARNING, EventKind.DEADLINE_MISSED]
        ).values_list("kind", flat=True)
    )
    assert events == {EventKind.DEADLINE_WARNING: 9, EventKind.DEADLINE_MISSED: 1}
    missed.refresh_from_db()
    assert missed.state == DeadlineState.MISSED
    recipients = collections.Counter(
        re.search(rb"^To: (\S+)", message, re.MULTILINE).group(1).decode()
        for message in mail.accepted
    )
    assert recipients == {"behandelaar@gemeente.test": 9, "teamleider@gemeente.test": 1}

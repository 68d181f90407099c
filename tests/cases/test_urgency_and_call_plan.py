"""The traffic light of a due date and the phone-first call plan: the rules the workbench
shows, held to the calendar and to the workflow's own conditions."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.contact_plan import call_plan
from cases.deadlines import norm_calendar
from cases.models import ContactMoment
from cases.urgency import DueSignal, due_state
from cases.workflows.conditions import failed_attempts_at_different_times
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db  # the municipality's closing days are data
TODAY = datetime.date(2025, 4, 1)  # a Tuesday


@given(offset=st.integers(min_value=-60, max_value=60))
@settings(max_examples=150, deadline=None)
def test_the_light_follows_the_working_days_left(offset):
    due = TODAY + datetime.timedelta(days=offset)
    found = due_state(due, TODAY)
    left = norm_calendar().working_days_between(TODAY, due)
    assert found.days_left == left
    if due < TODAY:
        assert found.signal == DueSignal.OVERDUE
        assert found.days_late == -left
    elif left <= 3:
        assert found.signal == DueSignal.SOON
        assert found.days_late == 0
    else:
        assert found.signal == DueSignal.ON_TRACK


def test_a_closed_case_or_no_date_has_no_light():
    assert due_state(TODAY, TODAY, is_open=False).signal == DueSignal.NONE
    assert due_state(None, TODAY).signal == DueSignal.NONE


def test_the_soon_threshold_is_a_setting(settings):
    due = norm_calendar().add_working_days(TODAY, 5)
    assert due_state(due, TODAY).signal == DueSignal.ON_TRACK
    settings.WORKBENCH_DUE_SOON_DAYS = 5
    assert due_state(due, TODAY).signal == DueSignal.SOON


def _call(case, by, hour: int, outcome: str, **extra) -> None:
    moment = timezone.make_aware(datetime.datetime(2025, 4, 1, hour, 15))
    ContactMoment.objects.create(
        case=case, by=by, occurred_at=moment, outcome=outcome, channel="phone", **extra
    )


class TestCallPlan:
    @pytest.fixture
    def case(self):
        return CaseFactory()

    @pytest.fixture
    def handler(self):
        return UserFactory()

    def _plan(self, case, preferred=None):
        case = type(case).objects.prefetch_related("contact_moments", "deadlines").get(pk=case.pk)
        return case, call_plan(case, preferred)

    def test_before_any_call_the_residents_preferred_time_comes_first(self, case):
        _, plan = self._plan(case, ["evening"])
        assert plan.next_times == ("evening", "morning", "afternoon")
        assert plan.tried == ()
        assert plan.calls_needed == 2
        assert not plan.written_contact_possible

    def test_after_a_failed_morning_call_another_time_of_day(self, case, handler):
        _call(case, handler, 9, "no_answer")
        _, plan = self._plan(case, ["morning"])
        assert plan.tried == ("morning",)
        assert plan.next_times == ("afternoon", "evening")
        assert plan.calls_needed == 1

    def test_two_failed_calls_at_the_same_time_of_day_count_once(self, case, handler):
        _call(case, handler, 9, "no_answer")
        _call(case, handler, 10, "voicemail")
        proxied, plan = self._plan(case)
        assert plan.calls_needed == 1
        assert plan.written_contact_possible is bool(failed_attempts_at_different_times(proxied))

    def test_failed_calls_at_different_times_open_the_way_to_writing(self, case, handler):
        _call(case, handler, 9, "no_answer")
        _call(case, handler, 14, "voicemail")
        proxied, plan = self._plan(case)
        assert plan.written_contact_possible
        assert failed_attempts_at_different_times(proxied)  # the step's own condition agrees

    def test_once_reached_there_is_nothing_more_to_try(self, case, handler):
        _call(case, handler, 9, "no_answer")
        _call(case, handler, 14, "reached")
        _, plan = self._plan(case)
        assert plan.reached
        assert plan.next_times == ()
        assert not plan.written_contact_possible

    def test_a_call_back_request_is_shown_until_the_next_call(self, case, handler):
        at = timezone.make_aware(datetime.datetime(2025, 4, 2, 16, 0))
        _call(case, handler, 9, "callback_requested", callback_at=at)
        assert self._plan(case)[1].callback_at == at
        _call(case, handler, 15, "no_answer")
        assert self._plan(case)[1].callback_at is None

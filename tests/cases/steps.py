"""Taking workflow steps in tests, the way a client does: each step's own operation."""


def step_url(case, step_name: str) -> str:
    return f"/api/v1/{case.kind}s/{case.reference}/steps/{step_name.replace('_', '-')}"


def step(client, case, step_name: str, /, **data):
    return client.post(step_url(case, step_name), data, format="json")


def legacy_step(client, case, step_name: str, /, **data):
    """The API 1.0 operation: one for every step, the step named in the body."""
    return client.post(
        f"/api/v1/cases/{case.reference}/transitions",
        {"name": step_name, "data": data},
        format="json",
    )


def ok(client, case, step_name: str, /, **data) -> dict:
    response = step(client, case, step_name, **data)
    assert response.status_code == 200, (step_name, response.content)
    return response.json()


def offered(body: dict) -> list[str]:
    """The names of the steps a case (or a 409 problem) offers."""
    return [
        each if isinstance(each, str) else each["name"] for each in body["availableTransitions"]
    ]


def reached(case, by, at=None) -> None:
    """Log a conversation with the resident (the call the informal route starts with)."""
    from django.utils import timezone

    from cases.services import contact_moment_log

    contact_moment_log(case=case, by=by, occurred_at=at or timezone.now(), outcome="reached")


def hearing_time(days: int = 14):
    """A hearing time ``days`` or more from now, on the first working day (10:00)."""
    import datetime

    from django.utils import timezone

    from cases.deadlines import municipal_date

    day = municipal_date(timezone.localdate() + datetime.timedelta(days=days))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))

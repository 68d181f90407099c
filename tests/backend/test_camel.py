"""camelCase on the wire: conversions are exact inverses for the names we use."""

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.api.camel import (
    MAX_DEPTH,
    camelize,
    non_camel_keys,
    shape_problems,
    snakeize,
    to_camel,
    to_snake,
)
from cases.models import Case

snake_names = st.from_regex(r"[a-z][a-z0-9]{0,8}(_[a-z][a-z0-9]{0,8}){0,3}", fullmatch=True)


@given(snake_names)
def test_snake_to_camel_and_back(name):
    assert to_snake(to_camel(name)) == name


@given(st.dictionaries(snake_names, st.integers() | st.text(max_size=5), max_size=5))
def test_structures_round_trip_and_camel_keys_are_accepted(data):
    wire = camelize({"outer_key": [data]})
    assert non_camel_keys(wire) == []
    assert snakeize(wire) == {"outer_key": [data]}


def test_snake_case_and_capitalised_keys_are_reported_with_their_path():
    assert non_camel_keys({"parties": [{"postal_code": 1, "Name": 2, "city": 3}]}) == [
        "parties.0.postal_code",
        "parties.0.Name",
    ]


# Hostile bodies: a clear 400 naming the place, nothing stored, no traceback in the log.


def _nested(depth: int) -> str:
    return '{"subject": "x", "a": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 600, 100_000])
def test_a_deeply_nested_body_is_refused_without_a_traceback(anon, caplog, depth):
    with caplog.at_level(logging.WARNING):
        response = anon.post("/api/v1/complaints", _nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalidParams"][0]["code"] == "too_deep"
    assert not Case.objects.exists()
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "name"),
    [
        ('{"subject": "a\\ud800b", "description": "x", "parties": []}', "subject"),
        ('{"parties": [{"name": "\\udfff"}]}', "parties.0.name"),
        ('{"\\ud800x": 1}', "(key)"),
    ],
)
def test_a_lone_surrogate_is_refused_by_name(anon, body, name):
    response = anon.post("/api/v1/complaints", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    params = response.json()["invalidParams"]
    assert {"name": name, "code": "invalid_text"} == {k: params[0][k] for k in ("name", "code")}
    assert not Case.objects.exists()


def test_a_body_within_the_limits_passes_the_shape_check():
    body = json.loads('{"parties": [{"name": "Zoë ✓ 😀", "times": ["morning"]}]}')
    assert shape_problems(body) == []
    assert shape_problems(json.loads(_nested(MAX_DEPTH - 2))) == []

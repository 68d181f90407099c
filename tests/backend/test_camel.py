"""camelCase on the wire: conversions are exact inverses for the names we use."""

from hypothesis import given
from hypothesis import strategies as st

from backend.api.camel import camelize, non_camel_keys, snakeize, to_camel, to_snake

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

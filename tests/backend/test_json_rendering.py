"""The JSON renderer writes orjson's bytes that are DRF's bytes (backend/api/camel.py):
compact UTF-8, DRF's encoder for moments, decimals, UUIDs and lazy text, line and
paragraph separators escaped, keys camelCased as the standard walk would."""

import datetime
import decimal
import json
import zoneinfo

from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from backend.api.camel import CamelCaseJSONRenderer, ProblemJSONRenderer, to_camel

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _camelized_by_hand(data):
    """The conversion as first written: a dict comprehension per level."""
    if isinstance(data, dict):
        return {to_camel(k) if isinstance(k, str) else k: _camelized_by_hand(v)
                for k, v in data.items()}  # fmt: skip
    if isinstance(data, (list, tuple)):
        return [_camelized_by_hand(item) for item in data]
    return data


def _drf(data, accepted=None):
    return JSONRenderer().render(_camelized_by_hand(data), accepted, {})


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",))) | st.sampled_from(
    ["\u2028", "regel\u2029alinea", "é ü ñ 中文 🙂", 'aan"hal<ing>&', "back\\slash", ""]
)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    text,
    st.datetimes(
        min_value=datetime.datetime(1994, 1, 1),
        timezones=st.none() | st.sampled_from([datetime.UTC, AMSTERDAM]),
    ),
    st.dates(),
    st.times(),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2),
    st.uuids(),
    st.sampled_from([gettext_lazy("Unknown field."), gettext_lazy("This is in the future.")]),
)
keys = st.text(alphabet="abc_XY", min_size=1, max_size=8) | st.integers(0, 9)
documents = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(keys, inner, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_the_bytes_are_drfs_bytes(data):
    assert CamelCaseJSONRenderer().render(data, "application/json", {}) == _drf(data)


@settings(max_examples=50, deadline=None)
@given(documents)
def test_indented_json_when_asked_for_is_drfs_own(data):
    accepted = "application/json; indent=4"
    assert CamelCaseJSONRenderer().render(data, accepted, {}) == _drf(data, accepted)


def test_separators_are_escaped_and_text_is_utf8():
    written = ProblemJSONRenderer().render({"detail_text": "a\u2028b\u2029c é"})
    assert written == '{"detailText":"a\\u2028b\\u2029c é"}'.encode()
    assert json.loads(written) == {"detailText": "a\u2028b\u2029c é"}


def test_moments_as_drf_writes_them():
    moment = datetime.datetime(2026, 3, 2, 9, 30, 1, 123456, tzinfo=datetime.UTC)
    written = CamelCaseJSONRenderer().render({"at": moment, "amount": decimal.Decimal("1.50")})
    assert written == b'{"at":"2026-03-02T09:30:01.123456Z","amount":1.5}'


def test_no_body_is_no_bytes():
    assert CamelCaseJSONRenderer().render(None) == b""

"""Input serializers copy their declarations once per class (backend/api/inputs.py): each
instance still has fields of its own, bound to it, and validates as DRF would."""

import pytest

from backend.api.camel import snakeize
from cases.api.serializers import ComplaintFilingSerializer
from tests.cases.test_filing_api import complaint_body

pytestmark = pytest.mark.django_db  # the team field looks teams up


def _valid(data: dict) -> ComplaintFilingSerializer:
    serializer = ComplaintFilingSerializer(data=snakeize(data))
    assert serializer.is_valid(), serializer.errors
    return serializer


def test_each_instance_has_its_own_bound_fields():
    first, second = ComplaintFilingSerializer(data={}), ComplaintFilingSerializer(data={})
    for name in ("subject", "parties"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second
    assert first.fields["parties"].child is not second.fields["parties"].child
    assert first.fields["parties"].child.root is first


def test_instances_validate_independently():
    body = complaint_body()
    other = {**complaint_body(), "subject": "Lantaarnpaal kapot"}
    other["parties"] = [{**body["parties"][0], "name": "Kees Jansen"}]
    invalid = {**complaint_body(), "subject": ""}
    a, b = _valid(body), _valid(other)
    refused = ComplaintFilingSerializer(data=snakeize(invalid))
    assert not refused.is_valid()
    assert set(refused.errors) == {"subject"}
    assert a.validated_data["subject"] == body["subject"]
    assert b.validated_data["subject"] == "Lantaarnpaal kapot"
    assert [p["name"] for p in b.validated_data["parties"]] == ["Kees Jansen"]
    assert _valid(body).validated_data == a.validated_data


def test_a_nested_serializers_fields_are_its_own_too():
    """The list's child is a fresh copy, not the template's: its fields are made for it
    and reach the instance they serve through it."""
    first, second = ComplaintFilingSerializer(data={}), ComplaintFilingSerializer(data={})
    one, other = first.fields["parties"].child, second.fields["parties"].child
    assert one.parent is first.fields["parties"]
    assert one.fields["name"] is not other.fields["name"]
    assert one.fields["name"].root is first
    assert other.fields["name"].root is second
    template = ComplaintFilingSerializer._declared_once()["parties"].child
    assert "fields" not in template.__dict__  # the template is never used itself


def test_fields_come_bound_as_drf_binds_them_with_validators_made_once():
    """Name, label and source as DRF's bind sets them (once, on the template); the
    validators made once and kept by every copy; errors as DRF words them."""
    first, second = ComplaintFilingSerializer(data={}), ComplaintFilingSerializer(data={})
    subject, other = first.fields["subject"], second.fields["subject"]
    assert (subject.field_name, subject.source, subject.source_attrs) == (
        "subject",
        "subject",
        ["subject"],
    )
    assert subject.label == "Subject"
    assert subject.validators
    assert subject.validators is other.validators
    party_name = first.fields["parties"].child.fields["name"]
    assert party_name.field_name == "name"
    assert party_name.parent is first.fields["parties"].child
    too_long = {**complaint_body(), "subject": "x" * 10_000}
    refused = ComplaintFilingSerializer(data=snakeize(too_long))
    assert not refused.is_valid()
    assert refused.errors["subject"][0].code == "max_length"
    again = ComplaintFilingSerializer(data=snakeize(too_long))
    assert not again.is_valid()
    assert len(again.errors["subject"]) == 1  # no validator added twice to a shared list

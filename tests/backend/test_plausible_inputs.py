"""Every date and moment a caller can give has a plausible range (1994 - 2100): a plain
DRF date field in any input would let year 1 or year 9999 through to term arithmetic,
storage and letters."""

from rest_framework import serializers

from backend.api.inputs import (
    PlausibleDateField,
    PlausibleDateTimeField,
    StrictQuery,
    StrictSerializer,
)
from backend.urls import urlpatterns  # noqa: F401 - every app's inputs imported


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _fields(serializer: serializers.Serializer, path: str = ""):
    for name, field in serializer.fields.items():
        here = f"{path}{name}"
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer):
            yield from _fields(field, f"{here}.")
        elif isinstance(field, serializers.ListField):
            yield here, field.child
        else:
            yield here, field


def test_no_input_takes_a_date_or_moment_without_a_range():
    inputs = [
        cls
        for cls in _subclasses(StrictSerializer) + _subclasses(StrictQuery)
        if cls.__module__.split(".")[0] != "tests"
    ]
    assert len(inputs) >= 20
    dated, unbounded = [], []
    for cls in inputs:
        for path, field in _fields(cls()):
            if isinstance(field, serializers.DateTimeField | serializers.DateField):
                dated.append(f"{cls.__name__}.{path}")
                if not isinstance(field, PlausibleDateField | PlausibleDateTimeField):
                    unbounded.append(f"{cls.__name__}.{path}")
    assert unbounded == []
    assert len(dated) >= 12  # the walk reaches the filings, the steps and the queue

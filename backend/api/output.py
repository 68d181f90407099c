"""Serializer output without DRF's per-instance field building.

DRF builds every field of a serializer anew for each instance it creates: a
ModelSerializer maps its model's fields again, a declared field is deep-copied, and the
nested ones recurse. For a case page (about 20 nested serializers) that was a third of
the request; for a queue page of 50 rows, a quarter.

``PlannedOutput`` builds the fields once per class and keeps a plan: for each readable
field, how to read it from the instance and how to represent it. Only fields whose
representation depends on nothing but the value are planned (``_PLAIN``); method fields
call the serializer's own method; nested serializers are created with the same context.
A class with any other field keeps DRF's walk. Input (``to_internal_value``) and the
schema still use DRF's fields, untouched.

``declared_walk()`` switches every plan off, so a test can hold the planned output equal
to DRF's own walk (tests/backend/test_planned_output.py).
"""

import contextlib
import datetime
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

# Fields whose ``to_representation`` reads only the value: no context, request or parent.
_PLAIN = (
    fields.BigIntegerField,
    fields.BooleanField,
    fields.CharField,
    fields.ChoiceField,
    fields.DateField,
    fields.DateTimeField,
    fields.DecimalField,
    fields.DurationField,
    fields.FloatField,
    fields.IntegerField,
    fields.JSONField,
    fields.ListField,
    fields.ReadOnlyField,
    fields.TimeField,
    fields.UUIDField,
    relations.PrimaryKeyRelatedField,
    relations.SlugRelatedField,
)
_PLAIN_REPRESENTATIONS = {cls.to_representation for cls in _PLAIN}
_PLAIN_ATTRIBUTES = {fields.Field.get_attribute, relations.RelatedField.get_attribute}

_VALUE, _METHOD, _ONE, _MANY, _MOMENT = range(5)
_switch = threading.local()


@contextlib.contextmanager
def declared_walk() -> Iterator[None]:
    """Within: every ``PlannedOutput`` serializer uses DRF's own field walk."""
    _switch.off = True
    try:
        yield
    finally:
        _switch.off = False


def _plain(field: fields.Field) -> bool:
    kind = type(field)
    if kind.to_representation not in _PLAIN_REPRESENTATIONS:
        return False  # a subclass with a representation of its own: may read context
    if kind.get_attribute not in _PLAIN_ATTRIBUTES:
        return False
    if isinstance(field, fields.ListField):
        return _plain(field.child)
    return True


def _step(field: fields.Field) -> tuple[int, str, Any, Any] | None:
    """How one field is represented, or None when it cannot be planned."""
    name = field.field_name
    if isinstance(field, fields.SerializerMethodField):
        return (_METHOD, name, field, field.method_name)
    if isinstance(field, serializers.ListSerializer):
        child = field.child
        return (_MANY, name, field, type(child)) if _planned(type(child)) else None
    if isinstance(field, serializers.BaseSerializer):
        return (_ONE, name, field, type(field)) if _planned(type(field)) else None
    if _plain(field) and _iso_moment(field):
        return (_MOMENT, name, field, None)
    return (_VALUE, name, field, None) if _plain(field) else None


def _iso_moment(field: fields.Field) -> bool:
    """A timestamp field as DRF writes it by default (ISO 8601 in the current zone)."""
    return (
        type(field) is fields.DateTimeField
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and not hasattr(field, "timezone")
    )


def timestamp_text(value: datetime.datetime, zone: datetime.tzinfo) -> str:
    """What DRF's ``DateTimeField`` writes for an aware timestamp by default: ISO 8601 in
    ``zone`` (the current time zone), ``Z`` for UTC."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _planned(serializer_class: type) -> bool:
    return issubclass(serializer_class, PlannedOutput) and serializer_class.plan() is not None


class PlannedOutput(serializers.Serializer):
    """Mixin first in the bases: ``class CaseSerializer(PlannedOutput, ModelSerializer)``."""

    @classmethod
    def plan(cls) -> list[tuple[int, str, Any, Any]] | None:
        """Built once per class from a throw-away instance's fields (bound to it: their
        ``get_attribute`` and ``to_representation`` read no context, by ``_plain``)."""
        if "_plan" not in cls.__dict__:
            cls._plan = None  # while building: a class nested in itself keeps DRF's walk
            readable = [f for f in cls().fields.values() if not f.write_only]
            steps = [_step(field) for field in readable]
            cls._plan = None if None in steps else steps
        return cls._plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan = type(self).plan()
        if plan is None or getattr(_switch, "off", False):
            return super().to_representation(instance)
        data: dict[str, Any] = {}
        for kind, name, field, extra in plan:
            if kind == _METHOD:
                data[name] = getattr(self, extra)(instance)
                continue
            try:
                value = field.get_attribute(instance)
            except SkipField:
                continue
            if (value.pk if isinstance(value, PKOnlyObject) else value) is None:
                data[name] = None
            elif kind == _VALUE:
                data[name] = field.to_representation(value)
            elif kind == _MOMENT:
                data[name] = timestamp_text(value, self._zone())
            elif kind == _ONE:
                data[name] = self._nested(name, extra).to_representation(value)
            else:
                items = value.all() if isinstance(value, BaseManager) else value
                represent: Callable[[Any], Any] = self._nested(name, extra).to_representation
                data[name] = [represent(item) for item in items]
        return data

    def _nested(self, name: str, serializer_class: type) -> "PlannedOutput":
        """One nested serializer per field for all the rows this one represents (same
        context), not one per row."""
        nested = self.__dict__.setdefault("_nested_kept", {})
        found = nested.get(name)
        if found is None:
            found = nested[name] = serializer_class(context=self.context)
        return found

    def _zone(self) -> datetime.tzinfo:
        """The current time zone, looked up once per serializer."""
        zone = self.__dict__.get("_zone_kept")
        if zone is None:
            zone = self._zone_kept = timezone.get_current_timezone()
        return zone

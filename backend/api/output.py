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
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models.manager import BaseManager
from rest_framework import fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

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

_VALUE, _METHOD, _ONE, _MANY = range(4)
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
    return (_VALUE, name, field, None) if _plain(field) else None


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
        context = self.context
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
            elif kind == _ONE:
                data[name] = extra(context=context).to_representation(value)
            else:
                items = value.all() if isinstance(value, BaseManager) else value
                represent: Callable[[Any], Any] = extra(context=context).to_representation
                data[name] = [represent(item) for item in items]
        return data

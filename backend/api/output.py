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
import functools
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.fields.related_descriptors import ReverseManyToOneDescriptor
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
_MISSING = object()
_ZONE = object()  # the key of the time zone among what a tree shares
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


def _step(field: fields.Field) -> tuple[int, str, Any, Any, str | None] | None:
    """How one field is represented, or None when it cannot be planned."""
    name = field.field_name
    if isinstance(field, fields.SerializerMethodField):
        return (_METHOD, name, field, field.method_name, None)
    if isinstance(field, serializers.ListSerializer):
        child = field.child
        if not _planned(type(child)):
            return None
        return (_MANY, name, field, type(child), _attribute(field))
    if isinstance(field, serializers.BaseSerializer):
        if not _planned(type(field)):
            return None
        return (_ONE, name, field, type(field), _attribute(field))
    if not _plain(field):
        return None
    return (_MOMENT if _iso_moment(field) else _VALUE, name, field, None, _attribute(field))


def _attribute(field: fields.Field) -> str | None:
    """The attribute a field reads when it reads one plainly (DRF's own ``get_attribute``
    on a single name: ``source="display_name"`` or the field's name), else None."""
    plain = type(field).get_attribute is fields.Field.get_attribute
    return field.source_attrs[0] if plain and len(field.source_attrs) == 1 else None


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
    def plan(cls) -> list[tuple[int, str, Any, Any, str | None]] | None:
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
        # A model instance's attributes are read directly; a mapping's as DRF reads them.
        direct = not isinstance(instance, Mapping)
        data: dict[str, Any] = {}
        for kind, name, field, extra, attribute in plan:
            if kind == _METHOD:
                data[name] = getattr(self, extra)(instance)
                continue
            value = _MISSING
            if kind == _MANY and attribute is not None and direct:
                # Rows prefetched for a reverse relation: what its manager's all() gives.
                value = _prefetched(instance, attribute)
            if value is _MISSING and attribute is not None and direct:
                # What DRF's get_attribute returns for a plain attribute; anything else (a
                # missing one, a related row that does not exist, a method to call) is
                # left to DRF, which answers it its own way.
                try:
                    value = getattr(instance, attribute, _MISSING)
                except (ObjectDoesNotExist, KeyError):  # DRF answers these: null or skip
                    value = _MISSING
                if callable(value):
                    value = _MISSING
            if value is _MISSING:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject) and value.pk is None:
                    value = None
            if value is None:
                data[name] = None
            elif kind == _VALUE:
                data[name] = field.to_representation(value)
            elif kind == _MOMENT:
                data[name] = timestamp_text(value, self._zone())
            elif kind == _ONE:
                data[name] = self._nested(extra).to_representation(value)
            else:
                items = value.all() if isinstance(value, BaseManager) else value
                represent: Callable[[Any], Any] = self._nested(extra).to_representation
                data[name] = [represent(item) for item in items]
        return data

    def nested_data(self, serializer_class: type, value: Any, *, many: bool = False) -> Any:
        """What ``serializer_class(value, many=many, context=self.context).data`` gives, for
        a method field: through the one serializer of that class this tree keeps."""
        if getattr(_switch, "off", False) or not _planned(serializer_class):
            return serializer_class(value, many=many, context=self.context).data
        represent = self._nested(serializer_class).to_representation
        if not many:
            return represent(value)
        items = value.all() if isinstance(value, BaseManager) else value
        return [represent(item) for item in items]

    def _nested(self, serializer_class: type) -> "PlannedOutput":
        """One nested serializer of each class for the whole tree this one is the top of
        (the same context), not one per field or per row: their plans are per class and
        what they keep (today, the time zone, the caller's flags) is per context."""
        tree = self._shared()
        found = tree.get(serializer_class)
        if found is None:
            found = tree[serializer_class] = _made(serializer_class, self.context)
            found._tree = tree
        return found

    def _shared(self) -> dict[Any, Any]:
        """What the serializers of this tree share: the nested ones, the time zone."""
        tree = self.__dict__.get("_tree")
        if tree is None:
            tree = self._tree = {}
        return tree

    def _zone(self) -> datetime.tzinfo:
        """The current time zone, looked up once per tree of serializers."""
        zone = self.__dict__.get("_zone_kept")
        if zone is None:
            tree = self._shared()
            zone = tree.get(_ZONE)
            if zone is None:
                zone = tree[_ZONE] = timezone.get_current_timezone()
            self._zone_kept = zone
        return zone


def _prefetched(instance: Any, attribute: str) -> Any:
    """The rows of a reverse foreign key that ``prefetch_related`` (or the service, for
    rows it has just written) left on ``instance``, or ``_MISSING``. Read directly: through the
    attribute, each read makes a related manager, which DRF then inspects as a callable
    before asking it for the same rows."""
    cache = instance.__dict__.get("_prefetched_objects_cache")
    name = _prefetch_name(type(instance), attribute) if cache else None
    return _MISSING if name is None else cache.get(name, _MISSING)


@functools.cache
def _prefetch_name(model: type, attribute: str) -> str | None:
    """The prefetch cache's name of ``model.<attribute>`` when it is a reverse foreign key."""
    descriptor = model.__dict__.get(attribute)
    if type(descriptor) is not ReverseManyToOneDescriptor:
        return None
    return descriptor.field.remote_field.cache_name


def planned_data(serializer_class: type, instance: Any, context: dict) -> Any:
    """What ``serializer_class(instance, context=context).data`` gives, for an answer:
    without making the serializer by DRF's ``__init__`` and copying the result into a
    ``ReturnDict`` (which only a browsable API's form reads back)."""
    if getattr(_switch, "off", False) or not _planned(serializer_class):
        return serializer_class(instance, context=context).data
    return _made(serializer_class, context).to_representation(instance)


def _made(serializer_class: type, context: dict) -> "PlannedOutput":
    """``serializer_class(context=context)``, as a copy of one made once per class: DRF's
    ``__init__`` sets some twenty attributes and gathers the error messages of every class
    in the hierarchy, for each nested serializer of every answer (a planned serializer
    reads none of them but the context)."""
    prototype = serializer_class.__dict__.get("_prototype")
    if prototype is None:
        prototype = serializer_class()
        serializer_class._prototype = prototype
    made = object.__new__(serializer_class)
    made.__dict__.update(prototype.__dict__)
    made._context = context
    made._kwargs = {"context": context}  # what a copy (``__deepcopy__``) is made with
    return made

"""One strict base for every API input (bodies and query strings), and the validators
inputs share.

Unknown fields are an error naming each one, not silently dropped: a typo in a field name
must not lose what the caller meant to send.
"""

import copy
import datetime
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from backend.api.errors import InvalidParams
from backend.domain import in_future


class _DeclaredOnce(serializers.Serializer):
    """Fields from a per-class copy of the declarations, each instance a shallow copy of
    it: DRF deep-copies every declared field for every instance (re-running each field's
    ``__init__``), a millisecond of every filing. A field keeps no state of its own between
    requests - validating only sets attributes on the copy - so a shallow copy is a fresh
    one. The copy is bound once (its name, label and source) and its validators made
    once, so an instance's copy only gets its parent: DRF binds every field and makes its
    validators anew for every instance (validators keep no state: what they need of the
    request they are given). A nested serializer gets its own fields the same way when it
    is first used; a list of them gets a fresh child whose parent is the list (the
    template's child's is the template)."""

    @classmethod
    def _declared_once(cls) -> dict[str, serializers.Field]:
        if "_declared_copy" not in cls.__dict__:
            declared = copy.deepcopy(cls._declared_fields)
            for name, field in declared.items():
                field.bind(field_name=name, parent=None)  # each copy gets its own parent
                _validators_made(field)
            cls._declared_copy = declared
        return cls._declared_copy

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = {}
        for name, template in self._declared_once().items():
            fields[name] = made = _fresh(template)
            made.parent = self
        return fields

    @cached_property
    def fields(self) -> BindingDict:
        """The fields as DRF's ``fields`` gives them, bound to this serializer; without
        binding them again (``get_fields`` gives them bound)."""
        bound = BindingDict(self)
        bound.fields.update(self.get_fields())
        return bound


def _validators_made(field: serializers.Field) -> None:
    """The field's validators (and its list child's) made now, kept by every copy."""
    if isinstance(field, serializers.BaseSerializer) and not isinstance(
        field, serializers.ListSerializer
    ):
        return  # a nested serializer's validators come from its own class, when it runs
    field.validators  # noqa: B018 - DRF makes them on first read and keeps them
    child = getattr(field, "child", None)
    if child is not None:
        _validators_made(child)


def _fresh(field: serializers.Field) -> serializers.Field:
    """An unbound, unused copy of a template field (``copy.copy`` without its protocol,
    which cost three times as much)."""
    made = object.__new__(type(field))
    made.__dict__.update(field.__dict__)
    if isinstance(field, serializers.ListSerializer):
        made.child = _fresh(field.child)
        made.child.parent = made  # bound as the template's child was, to this list
    return made


class StrictSerializer(_DeclaredOnce):
    """A serializer that refuses fields it does not know (400, one entry per field)."""

    unknown_message = _("Unknown field.")

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError(
                    {name: [self.unknown_message] for name in unknown}, code="invalid"
                )
        return super().to_internal_value(data)


class StrictQuery(_DeclaredOnce):
    """Query parameters: the same rule, said of parameters, each named exactly as sent
    (a query string has no camelCase parser in front of it)."""

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise InvalidParams(
                [
                    {"name": name, "code": "invalid", "reason": str(_("Unknown parameter."))}
                    for name in unknown
                ]
            )
        return super().to_internal_value(data)


class NotInFuture:
    """A date or moment that has happened (``backend.domain.in_future``)."""

    message = _("This is in the future.")

    def __call__(self, value: datetime.date | None) -> None:
        if value is not None and in_future(value):
            raise serializers.ValidationError(self.message, code="in_future")


class InFuture:
    """A date or moment still to come: after today (or now)."""

    message = _("This has to be in the future.")

    def __call__(self, value: datetime.date | None) -> None:
        now = timezone.now() if isinstance(value, datetime.datetime) else timezone.localdate()
        if value is not None and value <= now:
            raise serializers.ValidationError(self.message, code="not_in_future")


class BoundedList(serializers.ListSerializer):
    """A list of nested inputs whose limits (``allow_empty=False``, ``max_length``) the
    OpenAPI document states as minItems and maxItems (drf-spectacular leaves them out).
    Use as ``Meta.list_serializer_class``."""


class BoundedListSchema(OpenApiSerializerFieldExtension):
    target_class = BoundedList
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field: BoundedList = self.target
        schema = build_array_type(auto_schema._unwrap_list_serializer(field.child, direction))
        least = field.min_length or (0 if field.allow_empty else 1)
        if least:
            schema["minItems"] = least
        if field.max_length is not None:
            schema["maxItems"] = field.max_length
        return schema


# Dates an API caller can mean: from the Awb's entry into force (1 January 1994) to the
# end of this century. Beyond, term arithmetic would overflow (9999-12-31 plus six weeks)
# and nothing real is meant.
EARLIEST_DATE = datetime.date(1994, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


class PlausibleDateField(serializers.DateField):
    """A date between ``EARLIEST_DATE`` and ``LATEST_DATE`` (400 naming the field)."""

    default_error_messages = {
        "implausible": _("Give a date between %(earliest)s and %(latest)s."),
    }

    def to_internal_value(self, value: Any) -> datetime.date:
        date = super().to_internal_value(value)
        if not EARLIEST_DATE <= date <= LATEST_DATE:
            self.fail("implausible", earliest=EARLIEST_DATE, latest=LATEST_DATE)
        return date


class PlausibleDateTimeField(serializers.DateTimeField):
    """A moment on a day between ``EARLIEST_DATE`` and ``LATEST_DATE``: every date or
    moment a caller gives has a range (a call in the year 377 is a typing error, and
    would be written back in a local mean time no RFC 3339 reader accepts)."""

    default_error_messages = {
        "implausible": _("Give a moment between %(earliest)s and %(latest)s."),
    }

    def to_internal_value(self, value: Any) -> datetime.datetime:
        moment = super().to_internal_value(value)
        if not EARLIEST_DATE <= timezone.localtime(moment).date() <= LATEST_DATE:
            self.fail("implausible", earliest=EARLIEST_DATE, latest=LATEST_DATE)
        return moment

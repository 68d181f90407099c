"""Keyset (cursor) pagination over a fixed ordering of non-null columns.

DRF's CursorPagination positions on the first ordering column only and falls back to
offsets on ties; a queue sorted by due date has many ties. This paginator positions on
the full ordering tuple, so each page is one index range scan whatever its depth.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from backend.api.parsing import parse_datetime, parse_int
from backend.keyset import Window, keyset_bound


def _encode(values: Sequence[Any], backwards: bool) -> str:
    raw = json.dumps([[_to_json(v) for v in values], backwards]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _to_json(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


class KeysetPagination:
    """Pages of ``page_size`` rows; ``next``/``previous`` links carry an opaque cursor."""

    cursor_param = "cursor"
    size_param = "pageSize"

    def __init__(
        self,
        *,
        fields: Sequence[str],
        parsers: Sequence[type],
        default_size: int,
        max_size: int,
    ):
        self.fields = list(fields)
        self.parsers = list(parsers)
        self.default_size = default_size
        self.max_size = max_size

    def page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.size_param)
        if raw is None:
            return self.default_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_size:
            raise ValidationError(
                {
                    self.size_param: gettext("Give a number from 1 to %(max)d.")
                    % {"max": self.max_size}
                }
            )
        return size

    def _decode(self, token: str) -> tuple[list[Any], bool]:
        try:
            padded = token + "=" * (-len(token) % 4)
            values, backwards = json.loads(base64.urlsafe_b64decode(padded))
            if len(values) != len(self.fields) or not isinstance(backwards, bool):
                raise ValueError
            return [parse(v) for parse, v in zip(self.parsers, values, strict=True)], backwards
        except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
            raise ValidationError(
                {self.cursor_param: gettext("This cursor is not valid.")}
            ) from None

    def window(self, request: Request) -> Window:
        """The page the request asks for (400 for a size or cursor that is not valid)."""
        size = self.page_size(request)
        token = request.query_params.get(self.cursor_param)
        if not token:
            return Window(size)
        values, backwards = self._decode(token)
        return Window(size, values, backwards, token)

    def paginate(self, queryset: QuerySet, request: Request) -> tuple[list[Any], dict[str, Any]]:
        """The rows of the requested page and the links around it."""
        window = self.window(request)
        if window.after is not None:
            queryset = keyset_bound(queryset, self.fields, window.after, window.backwards)
        return self.page(list(queryset[: window.size + 1]), window, request)

    def page(
        self, rows: list[Any], window: Window, request: Request
    ) -> tuple[list[Any], dict[str, Any]]:
        """The page from the rows read for ``window`` (up to one more than its size, in
        the order read), and the links around it."""
        has_more = len(rows) > window.size
        rows = rows[: window.size]
        if window.backwards:
            rows.reverse()
        url = request.build_absolute_uri()
        links: dict[str, Any] = {"next": None, "previous": None}
        if rows:
            forward_more = has_more if not window.backwards else True
            backward_more = bool(window.token) if not window.backwards else has_more
            if forward_more:
                links["next"] = replace_query_param(
                    url, self.cursor_param, _encode(self._key(rows[-1]), False)
                )
            if backward_more:
                links["previous"] = replace_query_param(
                    url, self.cursor_param, _encode(self._key(rows[0]), True)
                )
        elif window.token:
            links["previous"] = remove_query_param(url, self.cursor_param)
        return rows, links

    def _key(self, row: Any) -> list[Any]:
        return [getattr(row, name) for name in self.fields]


def chronological(moment_field: str) -> KeysetPagination:
    """Pages of a history (timeline, letters), oldest first: by the moment, then the id."""
    return KeysetPagination(
        fields=[moment_field, "id"],
        parsers=[parse_datetime, parse_int],
        default_size=50,
        max_size=200,
    )


PAGE_QUERY = inline_serializer(
    "PageQuery",
    {
        "cursor": serializers.CharField(
            required=False, help_text="From a `next` or `previous` link."
        ),
        "pageSize": serializers.IntegerField(required=False, min_value=1),
    },
)


def page_schema(name: str, item: serializers.Serializer) -> serializers.Serializer:
    """The OpenAPI shape of a keyset page of ``item`` rows."""
    return inline_serializer(
        name,
        {
            "results": item,
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
        },
    )

"""Keyset positions over a fixed ordering of non-null columns: the query side of
keyset pagination (``backend.api.pagination`` reads and writes the cursors)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Window:
    """A page asked for: its size, and the row it starts after (or ends before)."""

    size: int
    after: list[Any] | None = None  # the ordering values of the cursor's row
    backwards: bool = False
    token: str | None = None


def keyset_after(fields: Sequence[str], values: Sequence[Any], backwards: bool) -> Q:
    """Rows strictly after (or before) ``values`` in the lexicographic order of fields."""
    op = "lt" if backwards else "gt"
    result = Q()
    for index, name in enumerate(fields):
        step = Q(**{f"{name}__{op}": values[index]})
        for prior, prior_value in zip(fields[:index], values[:index], strict=False):
            step &= Q(**{prior: prior_value})
        result |= step
    # The redundant bound on the first column lets the planner use a range scan.
    first = Q(**{f"{fields[0]}__{'lte' if backwards else 'gte'}": values[0]})
    return first & result


def keyset_bound(
    queryset: QuerySet, fields: Sequence[str], values: Sequence[Any], backwards: bool
) -> QuerySet:
    """The rows after the position (before it, walking back in reverse order)."""
    queryset = queryset.filter(keyset_after(fields, values, backwards))
    return queryset.reverse() if backwards else queryset

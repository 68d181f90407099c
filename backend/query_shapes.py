"""A read query's SQL built once per shape, its parameters filled in per call.

Building a queryset and compiling it to SQL is pure Python work that gives the same text
for every request of the same *shape* (which filters are set, how many values a list
holds, which branch of a rule applies); only the parameters differ. For the work queue
that work was a third of a page's time. ``ShapeCache`` runs a builder once per shape
with *slots* (sentinel values of the right type, which the compiled parameters show at
their positions), keeps the SQL, and on every later call puts the real values in those
positions and runs the statement. The rows come back as tuples, converted as the ORM's
``values_list`` would convert them.

A builder sees only the shape and the values (``Slots`` while compiling, ``Given``
otherwise): it cannot branch on anything the cache key does not hold, so one shape
never reuses another's SQL. Calling the same builder with ``Given`` gives the ordinary
queryset, for callers that need one (and for tests that hold both equal).
"""

import datetime
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

from backend.prepared import execute_prepared

Shape = TypeVar("Shape", bound=Hashable)

# Sentinels: values no request carries (a date in year 1, an integer near the 32-bit
# limit, text with private-use characters), each one used once per compile, so the
# position of each in the compiled parameters is unambiguous.
_INT_BASE = 2_000_000_000
_DATE_BASE = datetime.date(1, 1, 1)
_MOMENT_BASE = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)


class Values(Protocol):
    """What a builder asks for its varying values; ``name`` is the same in both modes."""

    def int(self, name: str) -> int: ...
    def text(self, name: str) -> str: ...
    def date(self, name: str) -> datetime.date: ...
    def moment(self, name: str) -> datetime.datetime: ...
    def ints(self, name: str) -> list[int]: ...
    def texts(self, name: str) -> list[str]: ...


class Given:
    """The real values, for building the ordinary queryset."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def int(self, name: str) -> int:
        return self.values[name]

    text = date = moment = ints = texts = int  # type: ignore[assignment]


class Slots:
    """Sentinels in place of the values, while a shape's SQL is compiled; ``lengths``
    gives how many items each list slot holds (part of the shape)."""

    def __init__(self, lengths: dict[str, int]) -> None:
        self.lengths = lengths
        self.found: dict[Any, tuple[str, int | None]] = {}  # sentinel -> (name, list index)

    def _next(self, make: Callable[[int], Any], name: str, index: int | None = None) -> Any:
        value = make(len(self.found))
        self.found[value] = (name, index)
        return value

    def int(self, name: str) -> int:
        return self._next(lambda n: _INT_BASE + n, name)

    def text(self, name: str) -> str:
        return self._next(_text_sentinel, name)

    def date(self, name: str) -> datetime.date:
        return self._next(lambda n: _DATE_BASE + datetime.timedelta(days=n), name)

    def moment(self, name: str) -> datetime.datetime:
        return self._next(lambda n: _MOMENT_BASE + datetime.timedelta(seconds=n), name)

    def ints(self, name: str) -> list[int]:
        return [self._next(lambda n: _INT_BASE + n, name, i) for i in range(self.lengths[name])]

    def texts(self, name: str) -> list[str]:
        return [self._next(_text_sentinel, name, i) for i in range(self.lengths[name])]


def _text_sentinel(number: int) -> str:
    # The "%" shows whether a lookup escaped the text for LIKE on its way into a
    # parameter (``icontains`` gives "%<text>%" with "%" in the text as "\%").
    return f"\ue000{number}%\ue001"


_TEXT_IN_PARAMETER = re.compile("\ue000(\\d+)(\\\\?%)\ue001")


@dataclass(frozen=True)
class _Made:
    """How a row becomes a model instance (what ``ModelIterable`` works out per query)."""

    model: type[Model]
    db: str
    init_list: list[str]
    start: int
    end: int
    related: list[Any]  # select_related populators
    annotations: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, compiler: Any, db: str) -> "_Made | None":
        klass_info = compiler.klass_info
        if klass_info is None:  # a values_list query: rows, not instances
            return None
        select = compiler.select
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        return cls(
            model=klass_info["model"],
            db=db,
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            related=get_related_populators(klass_info, select, db),
            annotations=tuple(compiler.annotation_col_map.items()),
        )


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: the shape can match no row (an empty IN list)
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, int | None], ...]  # (parameter position, name, index)
    # Parameters made from a text value (LIKE patterns): position, and the parts - fixed
    # text, or (name, index, escaped for LIKE).
    derived: tuple[tuple[int, tuple[Any, ...]], ...]
    compiler: Any
    made: _Made | None
    # Each column's converters (``results_iter`` works them out on every call; they
    # depend on the compiled columns only).
    converters: dict[int, Any]

    def converted(self, fetched: list[tuple]) -> Any:
        """The fetched rows as the ORM's ``results_iter`` gives them."""
        if not self.converters:
            return fetched
        return self.compiler.apply_converters(fetched, self.converters)


class ShapeError(RuntimeError):
    """A builder put a value in the SQL that is not a parameter, or lost one."""


class ShapeCache(Generic[Shape]):
    """``rows(shape, values)``: the builder's ``values_list`` rows for these values."""

    def __init__(
        self,
        build: Callable[[Shape, Values], QuerySet],
        lengths: Callable[[Shape], dict[str, int]],
        size: int = 256,
    ) -> None:
        self.build = build
        self.lengths = lengths
        self.size = size
        self._kept: OrderedDict[tuple[str, Shape], _Compiled] = OrderedDict()
        self._lock = threading.Lock()

    def queryset(self, shape: Shape, values: dict[str, Any]) -> QuerySet:
        """The ordinary queryset for these values (no cache)."""
        return self.build(shape, Given(values))

    def rows(self, shape: Shape, values: dict[str, Any]) -> list[tuple]:
        """The rows of a ``values_list`` builder, as tuples."""
        compiled = self._compiled(shape)
        return list(compiled.converted(self._fetch(compiled, values)))

    def instances(self, shape: Shape, values: dict[str, Any]) -> list[Model]:
        """The model instances of a builder that returns a model queryset (with its
        ``select_related`` rows and annotations), made as the ORM's iterator makes them."""
        compiled = self._compiled(shape)
        fetched = self._fetch(compiled, values)
        if not fetched:
            return []
        made = compiled.made
        found = []
        for row in compiled.converted(fetched):
            instance = made.model.from_db(made.db, made.init_list, row[made.start : made.end])
            for populator in made.related:
                populator.populate(row, instance)
            for name, position in made.annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def statement(self, shape: Shape, values: dict[str, Any]) -> tuple[str | None, list[Any]]:
        """The SQL this shape runs and its parameters for these values (None: no row can
        match, nothing runs)."""
        compiled = self._compiled(shape)
        return compiled.sql, self._params(compiled, values)

    @staticmethod
    def _params(compiled: "_Compiled", values: dict[str, Any]) -> list[Any]:
        params = list(compiled.params)
        for position, name, index in compiled.slots:
            params[position] = values[name] if index is None else values[name][index]
        for position, parts in compiled.derived:
            params[position] = "".join(_part(part, values) for part in parts)
        return params

    def _fetch(self, compiled: "_Compiled", values: dict[str, Any]) -> list[tuple]:
        if compiled.sql is None:
            return []
        with connection.cursor() as cursor:
            execute_prepared(cursor, compiled.sql, self._params(compiled, values))
            return cursor.fetchall()

    def _compiled(self, shape: Shape) -> _Compiled:
        key = (connection.vendor, shape)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        compiled = self._compile(shape)
        with self._lock:
            self._kept[key] = compiled
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return compiled

    def _compile(self, shape: Shape) -> _Compiled:
        slots = Slots(self.lengths(shape))
        queryset = self.build(shape, slots)
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            raise ShapeError("a related manager's queryset or a prefetch: not supported")
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled(None, (), (), (), compiler, None, {})
        positions, derived = [], []
        seen: set[Any] = set()
        for position, value in enumerate(params):
            if _hashable(value) and value in slots.found:
                name, index = slots.found[value]
                positions.append((position, name, index))
                seen.add(value)
            elif isinstance(value, str) and "\ue000" in value:
                parts = _parts(value, slots, seen)
                derived.append((position, parts))
        lost = [slots.found[value][0] for value in slots.found if value not in seen]
        if lost or "\ue000" in sql:
            # A value compiled into the SQL text (a slice bound, say) would be reused
            # for every later call of this shape: refuse rather than answer wrongly.
            raise ShapeError(f"values not passed as parameters: {sorted(set(lost))}")
        made = _Made.of(compiler, queryset.db)
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        return _Compiled(
            sql, tuple(params), tuple(positions), tuple(derived), compiler, made, converters
        )


def _parts(parameter: str, slots: Slots, seen: set[Any]) -> tuple[Any, ...]:
    """A parameter made from text values: its fixed text and where each value goes."""
    parts: list[Any] = []
    last = 0
    for match in _TEXT_IN_PARAMETER.finditer(parameter):
        sentinel = _text_sentinel(int(match.group(1)))
        if sentinel not in slots.found:
            raise ShapeError("a parameter holds a text no slot gave")
        name, index = slots.found[sentinel]
        seen.add(sentinel)
        parts += [parameter[last : match.start()], (name, index, match.group(2) != "%")]
        last = match.end()
    parts.append(parameter[last:])
    if any(isinstance(part, str) and "\ue000" in part for part in parts):
        raise ShapeError("a text value was changed on its way into a parameter")
    return tuple(parts)


def _part(part: Any, values: dict[str, Any]) -> str:
    if isinstance(part, str):
        return part
    name, index, escaped = part
    value = values[name] if index is None else values[name][index]
    return connection.ops.prep_for_like_query(value) if escaped else value


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True

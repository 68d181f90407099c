"""W3C Trace Context: the ids that tie a processing record to the request or task it was
part of, and to the caller's own trace (https://www.w3.org/TR/trace-context/)."""

import re
import secrets
from dataclasses import dataclass

# version-traceid-parentid-flags; version ff is invalid, all-zero ids are invalid.
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def trace_id_new() -> str:
    """16 random bytes, lowercase hex (32 characters)."""
    return secrets.token_hex(16)


def operation_id_new() -> str:
    """8 random bytes, lowercase hex (16 characters): a span (LDV: operation) id."""
    return secrets.token_hex(8)


def operation_ids_new(count: int) -> list[str]:
    """``count`` operation ids from one read of the system's randomness (a queue page
    logs fifty records: one read, not fifty)."""
    drawn = secrets.token_hex(8 * count)
    return [drawn[start : start + 16] for start in range(0, 16 * count, 16)]


@dataclass(frozen=True)
class Incoming:
    """The trace and span the caller said this request belongs to."""

    trace_id: str
    parent_id: str


def traceparent_parse(header: str) -> Incoming | None:
    """The caller's trace from a ``traceparent`` header, or None when it is absent or not
    well formed (then a new trace starts, as the specification asks)."""
    match = _TRACEPARENT.match(header.strip())
    if match is None:
        return None
    version, trace_id, parent_id, _flags = match.groups()
    if version == "ff" or set(trace_id) == {"0"} or set(parent_id) == {"0"}:
        return None
    return Incoming(trace_id=trace_id, parent_id=parent_id)


def traceparent_format(trace_id: str, operation_id: str) -> str:
    """The header that hands this trace on: version 00, sampled."""
    return f"00-{trace_id}-{operation_id}-01"

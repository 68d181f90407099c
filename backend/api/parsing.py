"""Parsers for cursor values (JSON strings back to Python values)."""

import datetime


def parse_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def parse_datetime(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def parse_int(value: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("not an integer")
    return value

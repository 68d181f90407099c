"""Legal staff answer a resident's request for their data (AVG art. 15)."""

from collections.abc import Iterator

from backend.accounts.roles import Grant, Role

EXPORT = "cases.export_person"


def grants() -> Iterator[Grant]:
    yield Grant(
        permission=EXPORT,
        roles=frozenset({Role.LEGAL_STAFF}),
        model="cases.party",
        name="Can export everything about a person (AVG art. 15)",
    )

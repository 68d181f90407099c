"""Who may do what with the workbench's own records: the administrator links an existing
account to the identity provider (or removes a link) in the admin."""

from collections.abc import Iterator

from backend.accounts.roles import Grant, admin_grants


def grants() -> Iterator[Grant]:
    yield from admin_grants("workbench", "provideraccount", "view add delete")

"""Who may do what with letters: the grants of the letters app to the roles."""

from collections.abc import Iterator

from backend.accounts.roles import Grant, Role, admin_grants


def grants() -> Iterator[Grant]:
    yield Grant(
        permission="letters.send_letter",
        roles=frozenset({Role.CASE_HANDLER, Role.LEGAL_STAFF, Role.TEAM_LEAD}),
    )
    # The mailroom's task: print batches hold every team's letters and addresses.
    yield Grant(permission="letters.print_letters", roles=frozenset({Role.TEAM_LEAD}))
    # The admin: the letterhead is configured there; letters and batches are records.
    yield from admin_grants("letters", "branding", "view add change")
    yield from admin_grants("letters", "letter")
    yield from admin_grants("letters", "printbatch")

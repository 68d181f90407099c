"""Legal staff read the processing log (about whom, which activity, who acted); the
administrator keeps the register of processing activities current in the admin."""

from collections.abc import Iterator

from backend.accounts.roles import Grant, Role, admin_grants

VIEW_RECORDS = "processing_log.view_processingrecord"


def grants() -> Iterator[Grant]:
    yield Grant(permission=VIEW_RECORDS, roles=frozenset({Role.LEGAL_STAFF}))
    yield from admin_grants("processing_log", "processingactivity", "view add change")

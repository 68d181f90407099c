"""The appeal clause's court: branding still holding the old default ("sector
bestuursrecht") gets today's wording ("team"); what an administrator wrote stays."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("letters", "0006_requests_to_outbox_deliveries")]
AFTER = [("letters", "0007_court_team_wording")]
OLD = "de rechtbank Overijssel, sector bestuursrecht, Postbus 10067, 8000 GB Zwolle"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_old_default_is_brought_up_to_date_and_a_written_one_kept():
    old = migrate(BEFORE)
    branding = old.get_model("letters", "Branding")
    branding.objects.all().delete()
    default = branding.objects.create(court=OLD).pk
    written = branding.objects.create(court="de rechtbank Gelderland, Postbus 9030").pk
    try:
        new = migrate(AFTER).get_model("letters", "Branding")
        courts = dict(new.objects.values_list("pk", "court"))
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert courts[default] == OLD.replace("sector", "team")
    assert courts[written] == "de rechtbank Gelderland, Postbus 9030"

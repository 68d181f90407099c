"""The timeline and the terms' history refuse UPDATE and DELETE in the database
(backend/append_only.py); erasure at the end of retention is the one way out."""

from django.db import migrations

from backend.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("cases", "0027_tracking_links")]

    operations = [append_only_operation(["cases_caseevent", "cases_deadlinechange"])]

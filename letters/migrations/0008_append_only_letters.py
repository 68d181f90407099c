"""A letter as sent is a record: the database refuses changing or deleting it
(backend/append_only.py); erasure at the end of retention is the one way out."""

from django.db import migrations

from backend.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0007_court_team_wording"),
        ("cases", "0028_append_only_history"),
    ]

    operations = [append_only_operation(["letters_letter"])]

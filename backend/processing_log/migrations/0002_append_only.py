"""The processing log refuses UPDATE and DELETE in the database (backend/append_only.py)."""

from django.db import migrations

from backend.append_only import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("processing_log", "0001_processing_log")]

    operations = [append_only_operation(["processing_log_processingrecord"])]

"""Delivery state lives on the deliveries now (apps moved theirs in a migration that
runs before this one, see ``run_before`` in theirs)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0004_outboxdelivery"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="outboxmessage", name="outbox_pending_by_id"),
        migrations.RemoveField(model_name="outboxmessage", name="dispatched_at"),
        migrations.RemoveField(model_name="outboxmessage", name="attempts"),
        migrations.RemoveField(model_name="outboxmessage", name="last_error"),
        migrations.AlterModelOptions(
            name="outboxmessage",
            options={"verbose_name": "outbox event", "verbose_name_plural": "outbox events"},
        ),
    ]

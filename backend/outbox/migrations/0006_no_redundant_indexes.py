"""Indexes every event maintained and no query reads (docs/design.md, decision 30): the
deliveries' index on ``message`` (``outbox_delivery_once`` starts with it) and the
pattern-matching copy of the deduplication key's unique index."""

from django.db import migrations, models

from backend.unique_constraint import unique_field_to_constraint


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0005_message_state_to_deliveries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxdelivery",
            name="message",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="deliveries",
                to="outbox.outboxmessage",
                verbose_name="event",
            ),
        ),
        unique_field_to_constraint(
            app_label="outbox",
            model_name="outboxmessage",
            field_name="dedup_key",
            field=models.CharField(max_length=200),
            name="outbox_message_dedup_key_unique",
        ),
    ]

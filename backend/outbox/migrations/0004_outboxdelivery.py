"""Per-consumer delivery state: each consumer registered for a topic gets its own row."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0003_pending_by_id"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutboxDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("consumer", models.CharField(max_length=60, verbose_name="consumer")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "pending"),
                            ("done", "done"),
                            ("dead", "dead-lettered"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                (
                    "next_attempt_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="next attempt"
                    ),
                ),
                (
                    "last_error",
                    models.CharField(blank=True, max_length=120, verbose_name="last error"),
                ),
                ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="done at")),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="outbox.outboxmessage",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "outbox delivery",
                "verbose_name_plural": "outbox deliveries",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("message", "consumer"), name="outbox_delivery_once"
                    )
                ],
                "indexes": [
                    models.Index(
                        condition=models.Q(("state", "pending")),
                        fields=["consumer", "id"],
                        name="outbox_delivery_pending",
                    ),
                    models.Index(
                        condition=models.Q(("state", "dead")),
                        fields=["consumer"],
                        name="outbox_delivery_dead",
                    ),
                ],
            },
        ),
    ]

"""Letter requests' delivery state moves from the outbox message to the letters
consumer's delivery row (the outbox became a relay with one row per consumer)."""

from django.db import migrations

CONSUMER = "letters"  # letters.consumer.CONSUMER at the time of this migration
DEAD_AFTER = 5  # letters' attempts at the time of this migration


def forwards(apps, schema_editor):
    message = apps.get_model("outbox", "OutboxMessage")
    delivery = apps.get_model("outbox", "OutboxDelivery")
    rows = []
    for each in message.objects.filter(topic="letter.requested").iterator(chunk_size=2000):
        if each.dispatched_at is not None:
            state = "done"
        elif each.attempts >= DEAD_AFTER:
            state = "dead"
        else:
            state = "pending"
        rows.append(
            delivery(
                message_id=each.pk,
                consumer=CONSUMER,
                state=state,
                attempts=each.attempts,
                last_error=each.last_error,
                done_at=each.dispatched_at,
            )
        )
        if len(rows) >= 2000:
            delivery.objects.bulk_create(rows)
            rows = []
    delivery.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0005_letter_dated_on"),
        ("outbox", "0004_outboxdelivery"),
    ]
    run_before = [("outbox", "0005_message_state_to_deliveries")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Indexes every filing maintained and no query reads (docs/design.md, decision 30): the
case's index on ``case`` in the timeline and in the deadlines (each served by a composite
index that starts with it: ``case_event_timeline``, ``deadline_case_state``), and the
pattern-matching copies of the reference's and the tracking key's unique indexes."""

from django.db import migrations, models

from backend.unique_constraint import unique_field_to_constraint


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0031_complaint_report_measures"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="events",
                to="cases.case",
            ),
        ),
        migrations.AlterField(
            model_name="deadline",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="deadlines",
                to="cases.case",
            ),
        ),
        unique_field_to_constraint(
            app_label="cases",
            model_name="case",
            field_name="reference",
            field=models.CharField(editable=False, max_length=20, verbose_name="reference"),
            name="case_reference_unique",
        ),
        unique_field_to_constraint(
            app_label="cases",
            model_name="trackinglink",
            field_name="key_hash",
            field=models.CharField(max_length=64),
            name="tracking_link_key_unique",
        ),
    ]

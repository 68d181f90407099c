"""One permission per workflow step, declared by the workflow specs.

The steps' permissions are no longer listed in Meta: ``roles_sync`` (after every migrate)
creates ``cases.<kind>_<step>`` for each step and grants it to the roles the step names.
The objection's grouped permissions give way to one per step; they are removed here.
"""

from django.db import migrations

GROUPED = [
    "objection_check_admissibility",
    "objection_handle_informally",
    "objection_handle_hearing",
    "objection_review_decision",
]


def remove_grouped(apps, schema_editor) -> None:
    permission = apps.get_model("auth", "Permission")
    permission.objects.filter(content_type__app_label="cases", codename__in=GROUPED).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0021_party_large_print"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="complaint",
            options={"verbose_name": "complaint", "verbose_name_plural": "complaints"},
        ),
        migrations.AlterModelOptions(
            name="objection",
            options={
                "permissions": [
                    ("objection_record_default", "Can record a notice of default (Awb 4:17)"),
                    ("objection_fix_penalty", "Can fix the penalty owed by decision (Awb 4:18)"),
                ],
                "verbose_name": "objection",
                "verbose_name_plural": "objections",
            },
        ),
        migrations.RunPython(remove_grouped, migrations.RunPython.noop),
    ]

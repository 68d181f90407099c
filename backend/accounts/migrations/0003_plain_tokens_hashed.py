"""Plain-text DRF tokens become hashed, expiring ``ApiToken`` rows (their keys keep
working until they expire), and the plain keys are deleted.

An account with the integration client role becomes an ``IntegrationClient`` whose token
has every scope that existed at the time (it had all of them before); anyone else's
token is a staff token (the role decides, as before).
"""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone

DAYS = 90  # API_TOKEN_DAYS's default at the time of this migration
SCOPES_THEN = [
    "cases:read",
    "cases:write",
    "complaints:create",
    "events:subscribe",
    "objections:create",
]


def forwards(apps, schema_editor):
    plain = apps.get_model("authtoken", "Token")
    api_token = apps.get_model("accounts", "ApiToken")
    client_model = apps.get_model("accounts", "IntegrationClient")
    expires = timezone.now() + datetime.timedelta(days=DAYS)
    for old in plain.objects.select_related("user"):
        user = old.user
        client = None
        if user.groups.filter(name="integration_client").exists():
            client, _ = client_model.objects.get_or_create(
                account=user,
                defaults={
                    "name": user.username,
                    "organisation": "(from before integration clients)",
                    "contact_email": user.email or "onbekend@gemeente.invalid",
                },
            )
        api_token.objects.create(
            key_hash=hashlib.sha256(old.key.encode()).hexdigest(),
            prefix=old.key[:10],
            name="from before hashed tokens",
            user=user,
            client=client,
            scopes=SCOPES_THEN if client is not None else None,
            kinds=[],
            expires_at=expires,
        )
    plain.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_api_tokens"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

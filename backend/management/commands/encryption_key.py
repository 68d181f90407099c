"""Print a new key for FIELD_ENCRYPTION_KEYS (or FIELD_INDEX_KEY)."""

from typing import Any

from django.core.management.base import BaseCommand

from backend.encryption import new_key


class Command(BaseCommand):
    help = "Print a new Fernet key: put it first in FIELD_ENCRYPTION_KEYS, then rotate."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_key())

"""Re-encrypt every stored BSN under the newest key and recompute its blind index.

Run after putting a new key first in FIELD_ENCRYPTION_KEYS (or changing FIELD_INDEX_KEY);
then the old keys can go. Batches of 500 rows, each in its own transaction, locked;
safe to run twice and to interrupt.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from backend import encryption
from cases.models import Party

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt stored BSNs under the newest key (FIELD_ENCRYPTION_KEYS) and re-index."

    def handle(self, *args: Any, **options: Any) -> None:
        done, after = 0, 0
        while True:
            with transaction.atomic():
                batch = list(
                    Party.objects.select_for_update()
                    .exclude(bsn_encrypted="")
                    .filter(pk__gt=after)
                    .order_by("pk")[:BATCH]
                )
                if not batch:
                    break
                for party in batch:
                    party.bsn_encrypted = encryption.rotate(party.bsn_encrypted)
                    party.bsn_index = encryption.blind_index(party.bsn)
                Party.objects.bulk_update(batch, ["bsn_encrypted", "bsn_index"])
            done += len(batch)
            after = batch[-1].pk
        self.stdout.write(f"{done} BSNs re-encrypted and re-indexed.")

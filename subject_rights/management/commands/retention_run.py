"""``manage.py retention_run [--dry-run]``: erase (or list) the closed cases past their
retention period, as beat does every night."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from subject_rights.retention import retention_run


class Command(BaseCommand):
    help = "Erase the closed cases past their retention period (--dry-run: only list them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List, erase nothing.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        run = retention_run(dry_run=dry_run)
        for due in run.due:
            self.stdout.write(
                f"{due.reference}\t{due.kind}\t{due.status}\tclosed {due.closed_on}"
                f"\tkept {due.years} years"
            )
        verb = "would be erased" if dry_run else "erased"
        count = len(run.due) if dry_run else run.erased
        self.stdout.write(f"{count} case(s) {verb}.")

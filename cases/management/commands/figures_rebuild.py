"""``manage.py figures_rebuild``: write the anonymous figures of every closed case (after
an upgrade that adds them, or to repair them); safe to repeat."""

from typing import Any

from django.core.management.base import BaseCommand

from cases.figures import figures_rebuild


class Command(BaseCommand):
    help = "Write the anonymous figures of every closed case (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{figures_rebuild()} closed case(s) counted.")

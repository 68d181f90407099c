"""``manage.py workflow_diagrams [--check]``: the README's Mermaid diagrams from the code."""

from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.workflows.diagram import mermaid, readme_update
from cases.workflows.registry import WORKFLOWS


class Command(BaseCommand):
    help = "Regenerate the workflow diagrams in README.md (--check: fail if outdated)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: object, check: bool, **options: object) -> None:
        readme = settings.BASE_DIR / "README.md"
        for name, workflow in WORKFLOWS.items():
            diagram = mermaid(workflow)
            if check:
                if f"```mermaid\n{diagram}```" not in readme.read_text():
                    raise CommandError(f"The {name} diagram in README.md is outdated.")
            elif readme_update(readme, name, diagram):
                self.stdout.write(f"Updated the {name} diagram.")

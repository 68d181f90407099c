"""``manage.py createtoken USERNAME``: print an API token for scripts and integrations."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from backend.accounts.models import User


class Command(BaseCommand):
    help = "Print the API token of a user, creating it if needed (--rotate replaces it)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing token.")

    def handle(self, *args: object, username: str, rotate: bool, **options: object) -> None:
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user named {username!r}.") from None
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)

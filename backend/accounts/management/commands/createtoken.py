"""``manage.py createtoken USERNAME``: issue a staff member's API token and print it."""

from argparse import ArgumentParser

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from backend.accounts.models import User
from backend.accounts.tokens import token_issue, token_revoke


class Command(BaseCommand):
    help = (
        "Issue an API token for a staff member and print its key (shown this once; only "
        "its hash is stored). --rotate revokes the account's other tokens. Integration "
        "clients get theirs with `apitoken issue`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, help="Days it lasts (default API_TOKEN_DAYS).")
        parser.add_argument("--rotate", action="store_true", help="Revoke the other tokens.")

    def handle(
        self, *args: object, username: str, days: int | None, rotate: bool, **options: object
    ) -> None:
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user named {username!r}.") from None
        if hasattr(user, "integration_client"):
            raise CommandError(
                f"{username!r} is an integration client's account: use "
                f"`apitoken issue --client {user.integration_client.name!r} --scopes ...`."
            )
        if rotate:
            for old in user.api_tokens.filter(revoked_at__isnull=True):
                token_revoke(old)
        try:
            _, key = token_issue(user=user, days=days, name="createtoken")
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(key)

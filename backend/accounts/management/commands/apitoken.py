"""``manage.py apitoken``: integration clients and their tokens, from the command line.

apitoken client "Formulieren" --organisation "Gemeente X" --email team@x.nl [--rate 120]
apitoken issue --client "Formulieren" --scopes complaints:create cases:read [--days 90]
               [--kinds complaint] [--teams klachten] [--name "productie"]
apitoken list [--client "Formulieren"]
apitoken revoke kb_AbCdEf1
"""

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from backend.accounts.models import ApiToken, IntegrationClient, Team
from backend.accounts.scopes import scopes_known
from backend.accounts.tokens import client_create, token_issue, token_revoke


class Command(BaseCommand):
    help = "Create integration clients; issue, list and revoke API tokens (keys shown once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        client = sub.add_parser("client", help="Create an integration client and its account.")
        client.add_argument("name")
        client.add_argument("--organisation", required=True)
        client.add_argument("--email", required=True, help="Its contact's e-mail address.")
        client.add_argument("--contact", default="", help="Its contact's name.")
        client.add_argument("--rate", type=int, default=120, help="Requests per minute.")
        issue = sub.add_parser("issue", help="Issue a token for a client; prints its key once.")
        issue.add_argument("--client", required=True)
        issue.add_argument(
            "--scopes", nargs="+", required=True, help=f"Of: {', '.join(scopes_known())}."
        )
        issue.add_argument("--days", type=int)
        issue.add_argument("--kinds", nargs="*", default=[], help="Only these case kinds.")
        issue.add_argument("--teams", nargs="*", default=[], help="Only these team codes.")
        issue.add_argument("--name", default="")
        listing = sub.add_parser("list", help="Tokens (never their keys).")
        listing.add_argument("--client")
        revoke = sub.add_parser("revoke", help="Revoke a token by the start of its key.")
        revoke.add_argument("prefix")

    def handle(self, *args: object, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None

    def _client(
        self, name: str, organisation: str, email: str, contact: str, rate: int, **_: Any
    ) -> None:
        client = client_create(
            name=name,
            organisation=organisation,
            contact_email=email,
            contact_name=contact,
            requests_per_minute=rate,
        )
        self.stdout.write(f"Client {name!r} created (account {client.account.username}).")

    def _issue(
        self,
        client: str,
        scopes: list[str],
        days: int | None,
        kinds: list[str],
        teams: list[str],
        name: str,
        **_: Any,
    ) -> None:
        try:
            found = IntegrationClient.objects.get(name=client, is_active=True)
        except IntegrationClient.DoesNotExist:
            raise CommandError(f"No active client called {client!r}.") from None
        chosen = list(Team.objects.filter(code__in=teams))
        if len(chosen) != len(set(teams)):
            raise CommandError(f"Unknown team code(s) among {teams}.")
        token, key = token_issue(
            client=found, scopes=scopes, days=days, kinds=kinds, teams=chosen, name=name
        )
        self.stdout.write(key)
        self.stderr.write(
            f"Token {token.prefix}… for {found.name}, scopes {' '.join(token.scopes)}, "
            f"expires {token.expires_at:%Y-%m-%d}. The key is shown only now."
        )

    def _list(self, client: str | None, **_: Any) -> None:
        tokens = ApiToken.objects.select_related("client", "user").order_by("-created_at")
        if client:
            tokens = tokens.filter(client__name=client)
        for token in tokens:
            state = "revoked" if token.revoked_at else f"expires {token.expires_at:%Y-%m-%d}"
            owner = token.client.name if token.client else token.user.username
            scopes = " ".join(token.scopes) if token.scopes is not None else "(role)"
            self.stdout.write(f"{token.prefix}…  {owner:<30} {scopes:<50} {state}")

    def _revoke(self, prefix: str, **_: Any) -> None:
        found = list(
            ApiToken.objects.filter(prefix__startswith=prefix[:10], revoked_at__isnull=True)[:2]
        )
        if len(found) != 1:
            raise CommandError("Give the start of exactly one active token's key.")
        token_revoke(found[0])
        self.stdout.write(f"Token {found[0].prefix}… revoked.")

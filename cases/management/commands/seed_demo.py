"""``manage.py seed_demo``: teams, one user per role and a few cases, to try the API.

Idempotent: running it again changes nothing. Refuses to run without DEBUG, because
the demo accounts have published passwords.
"""

import datetime
import logging
from argparse import ArgumentParser

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from backend.accounts.models import IntegrationClient, Team, User
from backend.accounts.roles import STAFF_ROLES, Role
from backend.accounts.tokens import token_issue
from cases.models import Case, CaseKind, Channel
from cases.services import Filing, case_file

DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105 - published on purpose, DEBUG only


def _party(name: str, phone: str, **extra: object) -> dict:
    return {
        "role": "filer",
        "party_type": "person",
        "name": name,
        "phone": phone,
        "street": "Grote Markt",
        "house_number": "1",
        "postal_code": "8011 LW",
        "city": "Zwolle",
        "preferred_contact_times": ["morning"],
        **extra,
    }


class Command(BaseCommand):
    help = "Create demo teams, one user per role (with tokens) and a few cases."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Also without DEBUG.")

    def handle(self, *args: object, force: bool, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts have known passwords: only with DJANGO_DEBUG=true.")
        # The demo accounts' roles would each log a "roles changed" warning: not what a
        # person starting `make run` needs to read.
        accounts = logging.getLogger("backend.accounts")
        level = accounts.level
        accounts.setLevel(logging.ERROR)
        try:
            self._seed()
        finally:
            accounts.setLevel(level)

    @transaction.atomic
    def _seed(self) -> None:
        complaints, _ = Team.objects.get_or_create(
            code="klachten", defaults={"name": "Klachtbehandeling", "department": "Publiekszaken"}
        )
        objections, _ = Team.objects.get_or_create(
            code="bezwaar", defaults={"name": "Bezwaar en beroep", "department": "Juridische zaken"}
        )
        users = {}
        for role in Role:
            user, created = User.objects.get_or_create(
                username=f"demo-{role.value.replace('_', '-')}",
                defaults={
                    "first_name": "Demo",
                    "last_name": role.value.replace("_", " "),
                    # Deadline warnings go to the console e-mail backend in `make run`.
                    "email": f"demo-{role.value.replace('_', '-')}@gemeente.example",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                # The admin site by its role's model permissions; not a superuser (which
                # would hold no more, backend/accounts/backends.py, but is the break-glass
                # account whose every request is logged).
                user.is_staff = role == Role.ADMINISTRATOR
                user.save()
                user.groups.add(Group.objects.get(name=role.value))
                if role in STAFF_ROLES:
                    user.teams.set(
                        [objections] if role == Role.LEGAL_STAFF else [complaints, objections]
                    )
            elif user.is_superuser:  # made a superuser by an earlier version of this command
                user.is_superuser = False
                user.save(update_fields=["is_superuser"])
            users[role] = user
        # Four eyes on objection decisions needs a second lawyer.
        second, created = User.objects.get_or_create(
            username="demo-legal-staff-2",
            defaults={
                "first_name": "Demo",
                "last_name": "legal staff 2",
                "email": "demo-legal-staff-2@gemeente.example",
            },
        )
        if created:
            second.set_password(DEMO_PASSWORD)
            second.save()
            second.groups.add(Group.objects.get(name=Role.LEGAL_STAFF.value))
            second.teams.set([objections])
        if not Case.objects.filter(registered_by__username__startswith="demo-").exists():
            self._cases(users, complaints, objections)

        self.stdout.write(
            f"Demo users (password {DEMO_PASSWORD!r}) and new API tokens (shown once; "
            "earlier ones keep working until they expire):"
        )
        for role, user in [*users.items(), (Role.LEGAL_STAFF, second)]:
            self.stdout.write(f"  {role.value:<20} {user.username:<26} Token {self._key(user)}")

    def _key(self, user: User) -> str:
        """A staff token, or for the demo integration account a form builder's token."""
        if not user.has_role(Role.INTEGRATION_CLIENT):
            return token_issue(user=user, name="seed_demo")[1]
        client = IntegrationClient.objects.filter(account=user).first()
        if client is None:
            client = IntegrationClient.objects.create(
                name="Demo-formulieren",
                organisation="Gemeente Voorbeeld",
                contact_email="koppelingen@gemeente.example",
                account=user,
            )
        scopes = ["complaints:create", "objections:create", "cases:read"]
        return token_issue(client=client, scopes=scopes, name="seed_demo")[1]

    def _cases(self, users: dict[Role, User], complaints: Team, objections: Team) -> None:
        handler = users[Role.CASE_HANDLER]
        now = timezone.now()
        case_file(
            filing=Filing(
                kind=CaseKind.COMPLAINT,
                subject="Container drie weken niet geleegd",
                description="De groene container in onze straat is al drie weken niet geleegd.",
                channel=Channel.PHONE,
                received_at=now - datetime.timedelta(hours=3),
                team=complaints,
                parties=[_party("Fatima el Amrani", "+31612345678")],
            ),
            by=handler,
        )
        case_file(
            filing=Filing(
                kind=CaseKind.COMPLAINT,
                subject="Onvriendelijk te woord gestaan aan de balie",
                description="Bij het ophalen van mijn paspoort werd ik onvriendelijk behandeld.",
                channel=Channel.COUNTER,
                received_at=now - datetime.timedelta(days=1),
                team=complaints,
                parties=[
                    _party(
                        "Henk de Vries",
                        "+31384981234",
                        needs_extra_care=True,
                        care_note="Slechthorend: rustig en duidelijk spreken.",
                    )
                ],
                complaint={"employee_description": "Medewerker balie Burgerzaken"},
            ),
            by=handler,
        )
        case_file(
            filing=Filing(
                kind=CaseKind.OBJECTION,
                subject="Bezwaar tegen weigering parkeervergunning",
                description="Ik woon in de zone en heb mijn auto nodig voor mijn werk.",
                channel=Channel.POST,
                received_at=now - datetime.timedelta(days=2),
                team=objections,
                parties=[_party("Anna Bakker", "+31651234567", preferred_channel="phone")],
                objection={
                    "decision_reference": "PV-2026-0042",
                    "decision_subject": "Weigering parkeervergunning",
                    "decision_date": timezone.localdate() - datetime.timedelta(days=14),
                    "grounds": "Ik heb de vergunning nodig voor mijn werk als wijkverpleegkundige.",
                    "signed": True,
                },
            ),
            by=users[Role.LEGAL_STAFF],
        )
        case_file(
            filing=Filing(
                kind=CaseKind.OBJECTION,
                subject="Bezwaar tegen aanslag afvalstoffenheffing",
                description="De aanslag is voor een meerpersoonshuishouden; ik woon alleen.",
                channel=Channel.WEB,
                parties=[_party("Mohamed Yilmaz", "+31687654321", language="en")],
                objection={
                    "decision_reference": "BEL-2026-7781",
                    "decision_subject": "Aanslag afvalstoffenheffing 2026",
                    "decision_date": timezone.localdate() - datetime.timedelta(days=20),
                    "pro_forma": True,
                },
            ),
            by=users[Role.RESIDENT],
        )

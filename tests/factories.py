"""factory_boy factories for the domain, with traits for the usual variants."""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from backend.accounts.models import IntegrationClient, Team, User
from backend.accounts.roles import Role
from backend.accounts.scopes import scopes_known
from backend.accounts.tokens import token_issue
from cases.models import (
    Case,
    CaseKind,
    Channel,
    ComplaintDetails,
    ObjectionDetails,
    Party,
    PartyRole,
)
from letters.models import PrintBatch


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"Team {n}")
    department = "Publiekszaken"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Jansen{n}")
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).value))

    @factory.post_generation
    def teams(self, create: bool, extracted: list[Team] | None, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


def api_key(user: User, scopes: list[str] | None = None) -> str:
    """A new API key for ``user``: a staff token, or for an integration client's account
    a client's token (the client made on first use) with ``scopes`` (default: all)."""
    if not user.has_role(Role.INTEGRATION_CLIENT):
        return token_issue(user=user)[1]
    client = IntegrationClient.objects.filter(account=user).first() or (
        IntegrationClient.objects.create(
            name=f"client of {user.username}",
            organisation="Gemeente Voorbeeld",
            contact_email="koppelingen@gemeente.example",
            account=user,
            requests_per_minute=1_000_000,  # tests call as fast as they can
        )
    )
    return token_issue(client=client, scopes=scopes or list(scopes_known()))[1]


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    kind = CaseKind.COMPLAINT
    reference = factory.Sequence(lambda n: f"KL-2026-{n + 500000:06d}")
    subject = "Afval niet opgehaald"
    description = "De container is drie weken niet geleegd."
    channel = Channel.WEB
    received_at = factory.LazyFunction(timezone.now)
    team = factory.SubFactory(TeamFactory)

    class Params:
        objection = factory.Trait(
            kind=CaseKind.OBJECTION,
            reference=factory.Sequence(lambda n: f"BZ-2026-{n + 500000:06d}"),
            subject="Bezwaar tegen parkeervergunning",
        )
        overdue = factory.Trait(
            queue_due_date=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=3)
            )
        )

    @factory.post_generation
    def with_details(self, create: bool, extracted: object, **kwargs):
        if not create:
            return
        if self.kind == CaseKind.COMPLAINT:
            ComplaintDetails.objects.create(case=self)
        else:
            ObjectionDetails.objects.create(
                case=self,
                decision_reference="PV-2026-1",
                decision_subject="Parkeervergunning",
                decision_date=timezone.localdate() - datetime.timedelta(days=10),
            )


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    role = PartyRole.FILER
    party_type = "person"
    name = "Fatima el Amrani"
    street = "Grote Markt"
    house_number = "1"
    postal_code = "8011 LW"
    city = "Zwolle"
    email = "fatima@example.nl"
    phone = "+31612345678"


class PrintBatchFactory(factory.django.DjangoModelFactory):
    """A day's print batch with a stand-in PDF and list (the files are not read)."""

    class Meta:
        model = PrintBatch

    letters = 1
    pages = 1
    sha256 = "0" * 64
    file = factory.django.FileField(filename="batch.pdf", data=b"%PDF-1.4")
    listing = factory.django.FileField(filename="batch.csv", data=b"reference\n")

"""Who a letter is addressed to, and how it can reach them.

Most letters go to the *addressee*: the representative (gemachtigde) when there is one,
otherwise the filer. Some complaint letters also go to the person complained about
(Awb 9:9, 9:10, 9:11(2)); that is a colleague, reached by internal mail.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.dispatch import ADDRESSEE, addressee, by_email
from cases.models import Case, Party, PartyRole

PERSON_COMPLAINED_ABOUT = "person_complained_about"
RECIPIENT_KEYS = (ADDRESSEE, PERSON_COMPLAINED_ABOUT)


class NoSuchRecipient(Exception):
    """The letter is meant for someone the case does not have."""


@dataclass(frozen=True)
class Recipient:
    """The address block and the ways to deliver; what the templates and delivery read."""

    key: str
    role_label: str
    name: str
    organisation_name: str = ""
    street: str = ""
    house_number: str = ""
    house_number_addition: str = ""
    postal_code: str = ""
    city: str = ""
    email: str = ""
    # Awb 2:14(1): letters go by e-mail only to someone who said they can be reached so.
    email_allowed: bool = False
    internal: bool = False
    large_print: bool = False

    @property
    def label(self) -> str:
        """What the letter record says about the recipient: role and name (fits 200)."""
        return f"{self.role_label}: {self.name}"[:200]

    def postal_lines(self) -> list[str]:
        lines = [self.name]
        if self.organisation_name:
            lines.append(self.organisation_name)
        if self.street:
            lines.append(f"{self.street} {self.house_number}{self.house_number_addition}".strip())
        if self.postal_code or self.city:
            lines.append(f"{self.postal_code}  {self.city.upper()}".strip())
        return lines


def _from_party(party: Party) -> Recipient:
    return Recipient(
        key=ADDRESSEE,
        role_label=str(party.get_role_display()),
        name=party.name,
        organisation_name=party.organisation_name,
        street=party.street,
        house_number=party.house_number,
        house_number_addition=party.house_number_addition,
        postal_code=party.postal_code,
        city=party.city,
        email=party.email,
        email_allowed=by_email(party),
        large_print=party.large_print,
    )


def filer_party(case: Case) -> Party:
    """The complainant or objector (from the prefetched parties when there are)."""
    return next(p for p in case.parties.all() if p.role == PartyRole.FILER)


def addressee_party(case: Case) -> Party:
    """The representative (gemachtigde) when there is one, otherwise the filer."""
    return addressee(case)


def recipient_for(case: Case, key: str = ADDRESSEE) -> Recipient:
    """The recipient ``key`` of a case; its role label in the site's language, so the
    letter record reads the same whoever (worker, API caller) made it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _recipient(case, key)


def _recipient(case: Case, key: str) -> Recipient:
    if key == ADDRESSEE:
        return _from_party(addressee_party(case))
    if key == PERSON_COMPLAINED_ABOUT and case.kind == "complaint":
        # Only a colleague linked to the complaint: a free-text description ("the
        # counter staff") names nobody a letter can reach.
        employee = case.complaint.employee
        if employee is not None:
            return Recipient(
                key=key,
                role_label=str(_("person complained about")),
                name=employee.display_name,
                organisation_name=str(_("Internal mail")),
                email=employee.email,
                # A colleague's work address is not a resident's consent question.
                email_allowed=bool(employee.email),
                internal=True,
            )
    raise NoSuchRecipient(f"The case has no {key}.")

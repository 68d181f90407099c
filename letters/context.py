"""What a letter says, gathered from the case: dates from the deadline engine, the
recipient, the branding. Kind-specific values come from the case, never from the caller."""

from typing import Any

from cases.models import Case, DeadlineKind, Party, PartyRole
from letters.models import Branding
from letters.rendering import long_date

LABELS = {
    "nl": {
        "reference": "Ons kenmerk",
        "date": "Datum",
        "subject": "Onderwerp",
        "regards": "Met vriendelijke groet,",
        "help": "Vindt u brieven lastig? Bel ons gerust, of kom langs aan de balie. "
        "Wij helpen u graag.",
        "page": "pagina",
        "of": "van",
    },
    "en": {
        "reference": "Our reference",
        "date": "Date",
        "subject": "Subject",
        "regards": "Kind regards,",
        "help": "Do you find letters difficult? Feel free to call us or visit the counter. "
        "We are happy to help.",
        "page": "page",
        "of": "of",
    },
}

TITLES = {
    "complaint_receipt": {
        "nl": "Ontvangstbevestiging van uw klacht",
        "en": "We received your complaint",
    },
    "objection_receipt": {
        "nl": "Ontvangstbevestiging van uw bezwaar",
        "en": "We received your objection",
    },
}


def recipient_for(case: Case) -> Party:
    """The representative (gemachtigde) when there is one, otherwise the filer."""
    parties = {party.role: party for party in case.parties.all()}
    return parties.get(PartyRole.REPRESENTATIVE) or parties[PartyRole.FILER]


def language_for(case: Case) -> str:
    filer = next(p for p in case.parties.all() if p.role == PartyRole.FILER)
    return filer.language if filer.language in LABELS else "nl"


def _due(case: Case, kind: DeadlineKind) -> Any:
    deadline = case.deadlines.filter(kind=kind).order_by("-created_at").first()
    return deadline.due_date if deadline else None


def letter_context(case: Case, kind: str, language: str) -> dict[str, Any]:
    labels = LABELS[language]
    context: dict[str, Any] = {
        "language": language,
        "title": TITLES[kind][language],
        "labels": labels,
        "page_label": labels["page"],
        "of_label": labels["of"],
        "branding": Branding.current(),
        "case": case,
        "recipient": recipient_for(case),
        "today": long_date(case_today(), language),
        "received": long_date(case.received_at, language),
        "first_contact_by": long_date(_due(case, DeadlineKind.FIRST_CONTACT), language),
    }
    if case.kind == "complaint":
        context["handling_due"] = long_date(_due(case, DeadlineKind.COMPLAINT_HANDLING), language)
    else:
        details = case.objection
        missing = []
        if details.pro_forma or not details.grounds.strip():
            missing.append("de gronden van uw bezwaar" if language == "nl" else "your grounds")
        if not details.signed:
            missing.append("uw handtekening" if language == "nl" else "your signature")
        context.update(
            objection=details,
            decision_date=long_date(details.decision_date, language),
            decision_due=long_date(_due(case, DeadlineKind.OBJECTION_DECISION), language),
            missing=" en ".join(missing) if language == "nl" else " and ".join(missing),
        )
    return context


def case_today() -> Any:
    from django.utils import timezone

    return timezone.localdate()

"""What a letter says, gathered from the case: dates from the deadline engine, the
recipient, the branding. Kind-specific values come from the case, never from the caller."""

from datetime import date
from typing import Any

from django.utils import timezone

from cases.deadlines import term_compute
from cases.letter_facts import facts_read
from cases.models import Case, DeadlineKind, PartyRole
from letters.dispatch import chosen_channel, dispatch_day
from letters.models import Branding
from letters.recipients import ADDRESSEE, addressee_party, filer_party, recipient_for
from letters.rendering import euro, long_date

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
        "enclosure": "Bijlage",
        "belongs_to": "Bij onze brief met kenmerk",
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
        "enclosure": "Enclosure",
        "belongs_to": "With our letter with reference",
    },
}

WORDS = {
    "nl": {
        "founded": "gegrond",
        "partly_founded": "gedeeltelijk gegrond",
        "unfounded": "ongegrond",
        "no_judgement": "zonder oordeel",
        "inadmissible": "niet-ontvankelijk",
        "phone": "telefonisch",
        "email": "per e-mail",
        "letter": "per brief",
        "counter": "aan de balie",
        "video": "in een videogesprek",
        "awarded": "U krijgt de kosten vergoed die u voor uw bezwaar hebt gemaakt.",
        "refused": "U hebt gevraagd om vergoeding van uw kosten. Dat kan niet, omdat het "
        "besluit niet wordt herroepen wegens een fout van ons.",
        "not_requested": "Bezwaar maken is gratis. U hebt geen vergoeding van kosten gevraagd.",
    },
    "en": {
        "founded": "founded",
        "partly_founded": "partly founded",
        "unfounded": "unfounded",
        "no_judgement": "without a judgement",
        "inadmissible": "inadmissible",
        "phone": "by phone",
        "email": "by e-mail",
        "letter": "by letter",
        "counter": "at the counter",
        "video": "in a video call",
        "awarded": "We will reimburse the costs you made for your objection.",
        "refused": "You asked us to reimburse your costs. That is not possible, because the "
        "decision is not revoked for a mistake of ours.",
        "not_requested": "Objecting is free. You did not ask for reimbursement of costs.",
    },
}

# Why an objector was not heard (Awb 7:3), as the decision says it: "... omdat {reason}".
HEARING_WAIVED = {
    "nl": {
        "manifestly_inadmissible": "uw bezwaar duidelijk niet-ontvankelijk is",
        "manifestly_unfounded": "uw bezwaar duidelijk ongegrond is",
        "waived": "u hebt laten weten dat u niet gehoord wilt worden",
        "not_requested": "u niet op tijd hebt gevraagd om gehoord te worden",
        "granted_in_full": "wij u helemaal gelijk geven en niemand anders daardoor benadeeld wordt",
    },
    "en": {
        "manifestly_inadmissible": "your objection is clearly inadmissible",
        "manifestly_unfounded": "your objection is clearly unfounded",
        "waived": "you told us you did not want to be heard",
        "not_requested": "you did not ask to be heard in time",
        "granted_in_full": "we agree with you completely and nobody else is harmed by that",
    },
}

# What a repair request asks for (Awb 6:5), by the workflow's codes.
MISSING_LABELS = {
    "nl": {
        "name_and_address": "uw naam en adres",
        "date": "de datum van uw bezwaar",
        "decision": "welk besluit u bedoelt (het kenmerk of een kopie van het besluit)",
        "grounds": "de redenen waarom u het niet eens bent met het besluit",
        "signature": "uw handtekening",
        "translation": "een vertaling van uw bezwaar in het Nederlands",
    },
    "en": {
        "name_and_address": "your name and address",
        "date": "the date of your objection",
        "decision": "which decision you mean (its reference or a copy of it)",
        "grounds": "the reasons why you disagree with the decision",
        "signature": "your signature",
        "translation": "a translation of your objection into Dutch",
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
    "complaint_informal_resolution": {
        "nl": "Uw klacht is opgelost",
        "en": "Your complaint has been resolved",
    },
    "complaint_outcome": {"nl": "Uitkomst van uw klacht", "en": "The outcome of your complaint"},
    "objection_decision": {"nl": "Beslissing op uw bezwaar", "en": "Decision on your objection"},
    "objection_repair_request": {
        "nl": "Er ontbreekt nog iets in uw bezwaar",
        "en": "Something is missing from your objection",
    },
    "objection_hearing_invitation": {
        "nl": "Uitnodiging voor de hoorzitting",
        "en": "Invitation to the hearing",
    },
    "complaint_extension_notice": {
        "nl": "Wij hebben meer tijd nodig voor de klacht",
        "en": "We need more time for the complaint",
    },
    "objection_postponement_notice": {
        "nl": "Wij hebben meer tijd nodig voor uw bezwaar",
        "en": "We need more time for your objection",
    },
    "objection_committee_referral": {
        "nl": "Advies van de bezwaarschriftencommissie",
        "en": "Advice of the objections committee",
    },
    "complaint_not_handled_notice": {
        "nl": "Wij behandelen uw klacht niet",
        "en": "We will not handle your complaint",
    },
    "complaint_withdrawal_confirmation": {
        "nl": "Bevestiging: u hebt uw klacht ingetrokken",
        "en": "Confirmation: you withdrew your complaint",
    },
    "objection_withdrawal_confirmation": {
        "nl": "Bevestiging: u hebt uw bezwaar ingetrokken",
        "en": "Confirmation: you withdrew your objection",
    },
    "objection_informal_contact_confirmation": {
        "nl": "Wat wij hebben besproken over uw bezwaar",
        "en": "What we discussed about your objection",
    },
    "complaint_copy_to_person_complained_about": {
        "nl": "Er is een klacht over u ingediend",
        "en": "A complaint was made about you",
    },
    "complaint_hearing_invitation": {
        "nl": "Uitnodiging voor een gesprek over de klacht",
        "en": "Invitation to a hearing about the complaint",
    },
    "objection_penalty_decision": {
        "nl": "Besluit over de dwangsom omdat wij te laat beslisten",
        "en": "Decision on the penalty payment for our late decision",
    },
}

NOT_HANDLED = {
    "nl": {
        "already_handled": "Wij hebben een klacht over dezelfde gedraging al eerder behandeld",
        "older_than_a_year": "De gedraging was meer dan een jaar voordat u de klacht indiende",
        "objection_possible": "U kunt of kon hiertegen bezwaar maken of in beroep gaan",
        "before_court": "Een rechter beoordeelt deze gedraging al",
        "criminal_investigation": "Er loopt een strafrechtelijk onderzoek naar deze gedraging",
        "insufficient_interest": "Het belang of de ernst van de gedraging is te gering",
    },
    "en": {
        "already_handled": "We already handled a complaint about the same conduct",
        "older_than_a_year": "The conduct took place more than a year before your complaint",
        "objection_possible": "You can or could object or appeal against it",
        "before_court": "A court is already assessing this conduct",
        "criminal_investigation": "There is a criminal investigation into this conduct",
        "insufficient_interest": "The interest or seriousness of the conduct is too small",
    },
}


NO_PENALTY = {
    "nl": {
        "notice_unreasonably_late": "u ons pas onredelijk laat in gebreke hebt gesteld",
        "not_interested_party": "u geen belanghebbende bent bij het besluit",
        "manifestly_inadmissible": "uw bezwaar duidelijk niet-ontvankelijk was",
        "manifestly_unfounded": "uw bezwaar duidelijk ongegrond was",
    },
    "en": {
        "notice_unreasonably_late": "your notice of default came unreasonably late",
        "not_interested_party": "you are not an interested party in the decision",
        "manifestly_inadmissible": "your objection was clearly inadmissible",
        "manifestly_unfounded": "your objection was clearly unfounded",
    },
}


def listed(items: list[str], language: str) -> str:
    """'a, b en c' (Dutch) or 'a, b and c' (English)."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {'en' if language == 'nl' else 'and'} {items[-1]}"


def language_for(case: Case, recipient_key: str = ADDRESSEE) -> str:
    """The filer's chosen language; letters to colleagues are in Dutch."""
    if recipient_key != ADDRESSEE:
        return "nl"
    filer = filer_party(case)
    return filer.language if filer.language in LABELS else "nl"


ENCLOSURE_TITLES = {
    "nl": {
        "advice": "Advies van de {committee}",
        "hearing_report": "Verslag van de hoorzitting van {date}",
        "complaint_hearing_report": "Verslag van het gesprek over uw klacht van {date}",
    },
    "en": {
        "advice": "Advice of the {committee}",
        "hearing_report": "Report of the hearing of {date}",
        "complaint_hearing_report": "Report of the hearing about your complaint of {date}",
    },
}


def _enclosures(kind: str, details: Any, context: dict[str, Any], language: str) -> dict:
    """What a letter carries as appended pages, numbered: a letter says something is
    enclosed only when it is (``enclosed`` names each one's number for the text)."""
    titles = ENCLOSURE_TITLES[language]
    found: list[tuple[str, str, str]] = []
    if kind == "objection_decision":
        if details.with_committee and details.committee_advice.strip():
            title = titles["advice"].format(committee=details.committee_name)
            found.append(("advice", title, details.committee_advice))
        if context["heard"]:  # Awb 7:7: the report of the hearing
            title = titles["hearing_report"].format(date=context["hearing_date"])
            found.append(("hearing_report", title, details.hearing_report))
    if kind == "complaint_outcome" and context["heard"]:  # Awb 9:10(3)
        title = titles["complaint_hearing_report"].format(date=context["hearing_date"])
        found.append(("hearing_report", title, details.hearing_report))
    return {
        "enclosures": [
            {"number": number, "title": title, "text": text}
            for number, (_, title, text) in enumerate(found, start=1)
        ],
        "enclosed": {key: number for number, (key, _, _) in enumerate(found, start=1)},
    }


def _from_request(case: Case, payload: dict[str, Any], language: str) -> dict[str, Any]:
    """Values fixed when the letter was requested (the step's data), not re-read later."""
    event = case.events.filter(pk=payload.get("event")).first()
    data = event.data if event else {}
    # by_filer: the resident took the step themselves (a withdrawal with the tracking link).
    values: dict[str, Any] = {"reason": data.get("reason", ""), "by_filer": data.get("by_filer")}
    if payload.get("missing"):
        labels = MISSING_LABELS[language]
        values["missing_list"] = listed(
            [labels.get(item, item) for item in payload["missing"]], language
        )
    if payload.get("repair_due"):
        values["repair_due"] = long_date(date.fromisoformat(payload["repair_due"]), language)
    if payload.get("new_due_date"):
        values["new_due"] = long_date(date.fromisoformat(payload["new_due_date"]), language)
    if payload.get("penalty"):
        penalty = payload["penalty"]
        values["penalty"] = {
            "ground": NO_PENALTY[language].get(penalty.get("ground") or "", ""),
            "days": penalty["days"],
            "amount": euro(penalty["amount"], language),
            "lines": [
                {
                    "days": line["days"],
                    "per_day": euro(line["per_day"], language),
                    "subtotal": euro(line["subtotal"], language),
                }
                for line in penalty["lines"]
            ],
            **{
                name: long_date(date.fromisoformat(penalty[name]), language)
                for name in ("notice_received", "term_expired", "first_day", "last_day", "pay_by")
                if penalty.get(name)
            },
        }
    return values


def letter_context(
    case: Case,
    kind: str,
    language: str,
    payload: dict[str, Any] | None = None,
    recipient_key: str = ADDRESSEE,
    branding: Branding | None = None,
    dated_on: date | None = None,
) -> dict[str, Any]:
    """What a letter says: the case as the requesting step left it (the facts in
    ``payload``, ``cases.letter_facts``), to the recipient as they are now. ``dated_on``:
    the day it goes out (``letters.dispatch``); a preview passes none and shows the day it
    would go out if made now."""
    payload = payload or {}
    labels = LABELS[language]
    recipient = recipient_for(case, recipient_key)
    dated_on = dated_on or dispatch_day(chosen_channel(recipient))
    facts = facts_read(case, payload.get("facts"))
    case, details = facts.case, facts.details
    branding = branding or Branding.current()
    context: dict[str, Any] = {
        "language": language,
        "title": TITLES[kind][language],
        "labels": labels,
        "page_label": labels["page"],
        "of_label": labels["of"],
        "branding": branding,
        # In running text the postal address is one line: "Postbus 1, 1000 AA Voorbeeld".
        "postal_address_inline": ", ".join(
            line.strip() for line in branding.postal_address.splitlines() if line.strip()
        ),
        "case": case,
        "recipient": recipient,
        "to_person_complained_about": recipient_key != ADDRESSEE,
        "today": long_date(dated_on, language),
        "received": long_date(case.received_at, language),
        "closed_on": long_date(case.closed_at, language),
        "first_contact_by": long_date(facts.due(DeadlineKind.FIRST_CONTACT), language),
        "handler_name": facts.handler,
        "attachment_names": [name for _, name in facts.attachments],
    }
    words = WORDS[language]
    if case.kind == "complaint":
        context.update(
            complaint=details,
            handling_due=long_date(facts.due(DeadlineKind.COMPLAINT_HANDLING), language),
            judgement=words.get(details.judgement, ""),
            confirmed_at=long_date(details.satisfaction_confirmed_at, language),
            confirmed_via=words.get(details.satisfaction_confirmed_via, ""),
            not_handled_ground=NOT_HANDLED[language].get(details.not_handled_ground, ""),
            conduct_date=long_date(details.conduct_date, language),
            complainant=filer_party(case),
            hearing_date=long_date(details.hearing_at, language),
            hearing_time=(
                timezone.localtime(details.hearing_at).strftime("%H:%M")
                if details.hearing_at
                else ""
            ),
        )
    else:
        missing = []
        if details.pro_forma or not details.grounds.strip():
            missing.append(MISSING_LABELS[language]["grounds"])
        if not details.signed:
            missing.append(MISSING_LABELS[language]["signature"])
        objector = filer_party(case)
        context.update(
            objection=details,
            objector=objector,
            to_representative=recipient_key == ADDRESSEE
            and addressee_party(case).role == PartyRole.REPRESENTATIVE,
            decision_date=long_date(details.decision_date, language),
            decision_due=long_date(facts.due(DeadlineKind.OBJECTION_DECISION), language),
            missing=listed(missing, language),
            outcome=words.get(details.outcome, ""),
            costs=words.get(details.costs, ""),
            hearing_date=long_date(details.hearing_at, language),
            hearing_time=(
                timezone.localtime(details.hearing_at).strftime("%H:%M")
                if details.hearing_at
                else ""
            ),
            inspection_from=long_date(details.inspection_from, language),
            new_due=long_date(facts.due(DeadlineKind.OBJECTION_DECISION), language),
            hearing_waived=HEARING_WAIVED[language].get(details.hearing_waived_ground, ""),
        )
    # "We heard you on ..." only of a hearing that was held, on a day before the letter's.
    context["heard"] = bool(
        details.hearing_report
        and details.hearing_at
        and timezone.localtime(details.hearing_at).date() <= dated_on
    )
    context.update(_enclosures(kind, details, context, language))
    context.update(_from_request(case, payload, language))
    if kind in ("objection_decision", "objection_penalty_decision"):
        # Appeal, or object, within 6 weeks from the day after sending (Awb 6:7, 6:8): the
        # same rule as the objection period, counted from the day the letter goes out (its
        # date), the Atw applied.
        remedy_end = long_date(term_compute("objection-period", dated_on).end_date, language)
        context["appeal_by" if kind == "objection_decision" else "remedy_by"] = remedy_end
    return context

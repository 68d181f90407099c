"""Every letter kind, from cases walked through the workflows over the API, rendered in
both languages to every recipient: what the letter tests read (identifiers, enclosures,
layout, PDF/A) and what ``make letters-preview`` shows a person.

The walk runs once per test session in a transaction that is rolled back; what it keeps
is in memory: the PDFs, their text, and the text of every enumerated value's variant.
"""

import datetime
import io
import re
from dataclasses import dataclass, field

import time_machine
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfReader
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from cases.letter_facts import facts_take
from cases.models import Case, ComplaintDetails, ContactMomentChannel, Party
from cases.penalties import notice_of_default_record, penalty_decision_take
from cases.services import case_assign, contact_moment_log
from cases.workflows import complaint as complaint_flow
from cases.workflows import objection as objection_flow
from letters import delivery, services
from letters.context import NO_PENALTY, letter_context
from letters.dispatch import chosen_channel, dispatch_day
from letters.models import Branding
from letters.rendering import render
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.factories import TeamFactory, UserFactory
from tests.outbox import letter_requests, relay_all

LANGUAGES = ("nl", "en")
# The printed enumerations: the details field (or request value) and every value it takes.
COMPLAINT_VALUES = {
    "judgement": [value for value, _ in complaint_flow.Judgement.choices],
    "satisfaction_confirmed_via": [value for value, _ in ContactMomentChannel.choices],
    "not_handled_ground": [value for value, _ in complaint_flow.NotHandledGround.choices],
    "hearing_waived_ground": [value for value, _ in complaint_flow.HearingWaivedGround.choices],
}
OBJECTION_VALUES = {
    "outcome": [value for value, _ in objection_flow.Outcome.choices],
    "costs": [value for value, _ in objection_flow.Costs.choices],
    "hearing_waived_ground": [value for value, _ in objection_flow.HearingWaivedGround.choices],
    "committee_recommendation": [value for value, _ in objection_flow.Outcome.choices],
}
PENALTY_GROUNDS = ["", *NO_PENALTY["nl"]]
MISSING_ITEMS = [value for value, _ in objection_flow.MissingElement.choices]


def at(day: str, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


@dataclass
class Specimen:
    kind: str
    language: str
    recipient: str
    pdf: bytes
    pages: int
    html: str
    # The address block's lines as the window must show them, and the letter's style.
    address: list[str]
    large_print: bool
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(self.pdf)).pages)

    def page_texts(self) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(self.pdf)).pages]


@dataclass
class Variant:
    """A letter's visible text with one enumerated value set (HTML text, not laid out)."""

    kind: str
    language: str
    name: str
    value: str
    text: str


@dataclass
class Walked:
    specimens: list[Specimen]
    variants: list[Variant]


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ok(client: APIClient, case: Case, name: str, /, **data) -> None:
    url = f"/api/v1/{case.kind}s/{case.reference}/steps/{name.replace('_', '-')}"
    body = {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), key): v for key, v in data.items()}
    response = client.post(url, body, format="json")
    assert response.status_code == 200, (name, response.content)


def _filed(resident: APIClient, path: str, body: dict, team, large_print=False) -> Case:
    body["parties"][0].update(needsExtraCare=False, careNote="")
    response = resident.post(path, body, format="json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    Party.objects.filter(case=case).update(large_print=large_print)
    return Case.objects.get(pk=case.pk)


def _logo_set() -> None:
    """A logo in the letterhead: the letters then hold a figure (with its alternative
    text) as every municipality's do."""
    image = io.BytesIO()
    Image.new("RGB", (240, 80), (0, 82, 147)).save(image, format="PNG")
    branding = Branding.current()
    branding.logo.save("logo.png", ContentFile(image.getvalue()), save=True)


def _walk(clock) -> None:
    """File and walk the cases that between them ask for every letter kind."""
    _logo_set()
    team = TeamFactory(code="specimens", name="Klachten en bezwaren")
    handler = UserFactory(
        first_name="Jamila", last_name="de Boer", role=Role.CASE_HANDLER, teams=[team]
    )
    lawyer = UserFactory(first_name="Pieter", last_name="Smit", role=Role.LEGAL_STAFF, teams=[team])
    second = UserFactory(first_name="Ayse", last_name="Yilmaz", role=Role.LEGAL_STAFF, teams=[team])
    colleague = UserFactory(
        first_name="Kees",
        last_name="Visser",
        role=Role.CASE_HANDLER,
        email="k.visser@gemeente.example",
    )
    resident = _client(UserFactory(role=Role.RESIDENT))
    hc, lc, sc = _client(handler), _client(lawyer), _client(second)

    def complaint(large_print=False) -> Case:
        case = _filed(resident, "/api/v1/complaints", complaint_body(), team, large_print)
        ComplaintDetails.objects.filter(case=case).update(employee=colleague)
        _ok(hc, case, "confirm_receipt")
        case_assign(case=case, assignee=handler, by=handler)
        return case

    # A complaint handled formally: copy to the colleague, extension, hearing, outcome.
    case = complaint()
    _ok(hc, case, "start_formal_handling")
    _ok(hc, case, "extend_term", weeks=4, reason="De hoorzitting kan pas na de vakantie.")
    hearing = at("2025-04-22", 14)
    _ok(hc, case, "plan_hearing", at=hearing.isoformat(), location="Stadhuis, kamer 2.14")
    clock.move_to(hearing + datetime.timedelta(hours=2))
    _ok(
        hc,
        case,
        "hold_hearing",
        report="Beide partijen zijn gehoord. De medewerker erkent dat het gesprek kortaf verliep.",
    )
    _ok(
        hc,
        case,
        "record_outcome",
        findings="De medewerker was kortaf.",
        judgement="partly_founded",
        conclusions="Wij bieden excuses aan.",
        measures="Het team krijgt een training klantcontact.",
    )
    # Resolved in a call; not handled; withdrawn.
    case = complaint()
    contact_moment_log(case=case, by=handler, occurred_at=timezone.now(), outcome="reached")
    _ok(
        hc,
        case,
        "resolve_informally",
        solution="De container wordt morgen geleegd.",
        confirmed_via="phone",
        confirmed_at=timezone.now().isoformat(),
    )
    # (These residents read large print: letters in 14 pt, the address still in the window.)
    case = _filed(resident, "/api/v1/complaints", complaint_body(), team, large_print=True)
    _ok(hc, case, "not_handle", ground="older_than_a_year", explanation="Het gesprek was in 2023.")
    case = complaint(large_print=True)
    _ok(hc, case, "withdraw", reason="Het is opgelost.")

    # An objection: pro forma, repaired, called, committee, postponed, heard, decided.
    clock.move_to(at("2025-04-15"))
    body = objection_body()
    body["objection"].update(decisionDate="2025-04-14", proForma=True, grounds="")
    case = _filed(resident, "/api/v1/objections", body, team)
    _ok(lc, case, "confirm_receipt")
    _ok(lc, case, "request_repair", missing=["grounds"], term_weeks=2)
    clock.move_to(at("2025-04-17"))
    _ok(
        lc,
        case,
        "record_repair",
        repaired_on=timezone.localdate().isoformat(),
        grounds="Ik woon in de zone en heb de auto nodig voor mijn werk.",
    )
    _ok(lc, case, "accept")
    contact_moment_log(case=case, by=lawyer, occurred_at=timezone.now(), outcome="reached")
    _ok(lc, case, "continue_formally")
    _ok(lc, case, "refer_committee", name="Commissie bezwaarschriften")
    _ok(lc, case, "postpone", weeks=4, reason="De commissie vergadert pas in juli.")
    hearing = at("2025-06-10", 10)
    _ok(
        lc,
        case,
        "plan_hearing",
        at=hearing.isoformat(),
        location="Stadhuis, zaal 3",
        inspection_from="2025-05-27",
        inspection_place="de balie van het Stadhuis",
    )
    clock.move_to(hearing + datetime.timedelta(hours=2))
    _ok(
        lc,
        case,
        "hold_hearing",
        report="Bezwaarmaker lichtte toe dat hij de auto "
        "dagelijks nodig heeft. De gemeente wees op de wachtlijst.",
    )
    _ok(
        lc,
        case,
        "receive_advice",
        advice="De commissie adviseert het bezwaar ongegrond te "
        "verklaren. De weigering volgt het parkeerbeleid.",
        recommendation="unfounded",
    )
    _ok(
        lc,
        case,
        "draft_decision",
        outcome="unfounded",
        reasons="Het besluit volgt het parkeerbeleid. Er is geen reden om daarvan af te wijken.",
        costs="not_requested",
    )
    _ok(sc, case, "approve_decision")
    # Withdrawn.
    clock.move_to(at("2025-04-01"))
    case = _filed(resident, "/api/v1/objections", objection_body(), team, large_print=True)
    _ok(lc, case, "confirm_receipt")
    _ok(lc, case, "withdraw", reason="Na uitleg begrijpt u de weigering.")
    # Decided late after a notice of default, the decision posted: a penalty decision.
    body = objection_body()
    body["objection"].update(decisionDate="2025-03-24")
    case = _filed(resident, "/api/v1/objections", body, team)
    contact_moment_log(case=case, by=lawyer, occurred_at=timezone.now(), outcome="reached")
    _ok(lc, case, "confirm_receipt")
    _ok(lc, case, "accept")
    clock.move_to(at("2025-07-31"))
    notice_of_default_record(case=case, received_on=datetime.date(2025, 7, 30), by=lawyer)
    clock.move_to(at("2025-08-22"))
    _ok(lc, case, "continue_formally")
    _ok(lc, case, "waive_hearing", ground="granted_in_full")
    _ok(
        lc,
        case,
        "draft_decision",
        outcome="founded",
        reasons="U hebt gelijk.",
        costs="not_requested",
    )
    _ok(sc, case, "approve_decision")
    services.letters_render_pending()
    delivery.print_batch_confirm_posted(batch=delivery.print_batch_create(), by=second)
    relay_all("case-file")
    penalty_decision_take(case=Case.objects.get(pk=case.pk), by=lawyer)


def _visible_text(html: str) -> str:
    body = re.sub(r"(?s)<(style|head)\b.*?</\1>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def _variants(message, case: Case, recipient_key: str) -> list[Variant]:
    kind = message.payload["letter"]
    values = COMPLAINT_VALUES if case.kind == "complaint" else OBJECTION_VALUES
    found = []
    for language in LANGUAGES:
        for name, choices in values.items():
            for value in choices:
                payload = {**message.payload, "facts": facts_take(case)}
                payload["facts"]["details"][name] = value
                found.append(_variant(kind, language, name, value, case, payload, recipient_key))
        if kind == "objection_repair_request":
            for item in MISSING_ITEMS:
                payload = {**message.payload, "missing": [item]}
                found.append(
                    _variant(kind, language, "missing", item, case, payload, recipient_key)
                )
        if kind == "objection_penalty_decision":
            for ground in PENALTY_GROUNDS:
                payload = {**message.payload}
                payload["penalty"] = {**payload["penalty"], "ground": ground}
                found.append(
                    _variant(kind, language, "penalty.ground", ground, case, payload, recipient_key)
                )
    return found


def _variant(kind, language, name, value, case, payload, recipient_key) -> Variant:
    context = letter_context(case, kind, language, payload, recipient_key)
    with translation.override(language):
        html = render_to_string(f"letters/{language}/{kind}.html", context)
    return Variant(kind, language, name, value, _visible_text(html))


def walk_every_letter(django_db_blocker) -> Walked:
    """Walk, render every requested letter for every recipient in both languages, and
    the variants; roll everything back."""
    specimens: list[Specimen] = []
    variants: list[Variant] = []
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(at("2025-04-01"), tick=False) as clock:
            _walk(clock)
            for message in letter_requests().order_by("id"):
                case = Case.objects.select_related("complaint", "objection").get(pk=message.case_id)
                kind = message.payload["letter"]
                for recipient in services._recipients(case, message.payload):
                    for language in LANGUAGES:
                        # Dated as the worker would have: on the day it was asked for.
                        context = letter_context(
                            case,
                            kind,
                            language,
                            message.payload,
                            recipient.key,
                            dated_on=dispatch_day(chosen_channel(recipient), message.created_at),
                        )
                        rendered = render(kind, language, context)
                        with translation.override(language):
                            html = render_to_string(f"letters/{language}/{kind}.html", context)
                        specimens.append(
                            Specimen(
                                kind,
                                language,
                                recipient.key,
                                rendered.pdf,
                                rendered.pages,
                                html,
                                recipient.postal_lines(),
                                recipient.large_print,
                            )
                        )
                    variants += _variants(message, case, recipient.key)
        transaction.set_rollback(True)
    return Walked(specimens, variants)

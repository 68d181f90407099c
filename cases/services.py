"""Use cases that change cases. Each runs in one transaction and writes its own events."""

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext

from backend.accounts.models import Team, User
from backend.accounts.permission_cache import team_ids_cached
from backend.accounts.roles import Role
from backend.db_rows import keys_reserve, rows_insert_together
from backend.domain import DomainConflict, as_json_value, ensure_not_in_future
from backend.outbox.services import outbox_in_round_trip
from backend.processing_log.recorder import records_in_round_trip
from cases import events
from cases.deadlines import (
    deadline_meet,
    deadlines_for_new_case,
    deadlines_record,
    queue_due_date_of,
)
from cases.figures import figures_refresh
from cases.models import (
    REFERENCE_PREFIX,
    STAFF_INTAKE_CHANNELS,
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    Channel,
    ComplaintDetails,
    ComplaintReportMeasures,
    ContactMoment,
    ContactOutcome,
    DeadlineKind,
    DeadlineState,
    EventKind,
    FilingKey,
    ObjectionDetails,
    Party,
    PartyRole,
    ReferenceCounter,
    Satisfaction,
)
from cases.processing import case_processed
from cases.selectors import rows_written
from cases.tracking_links import tracking_link_issue, tracking_link_new
from cases.workflows.person_rules import case_write_check


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes
    content_type: str
    # The virus scanner found it clean while it was validated; otherwise it waits in
    # quarantine for the periodic scan (cases.antivirus).
    scanned_clean: bool = False


@dataclass
class Filing:
    """What a filing carries, already validated for shape by the API layer."""

    kind: CaseKind
    subject: str
    description: str
    channel: Channel
    parties: list[dict[str, Any]]
    received_at: datetime.datetime | None = None
    team: Team | None = None
    complaint: dict[str, Any] | None = None
    objection: dict[str, Any] | None = None
    attachments: Sequence[NewAttachment] = field(default_factory=list)


def reference_allocate(
    *, kind: CaseKind, year: int, reserve: Sequence[Sequence[Model]] = ()
) -> str:
    """The next reference for a kind and year, e.g. ``KL-2026-000123``; on PostgreSQL the
    keys of the new rows in ``reserve`` are taken in the same round trip
    (``backend.db_rows.keys_reserve``), so a filing writes all its rows in one more.

    Unique and in the order numbers were handed out, per kind and year - not gap-free:
    on PostgreSQL a number comes from a sequence per kind and year, which takes no lock
    that lasts beyond the statement, so filings run side by side. A filing that fails
    after taking its number leaves that number unused. The Awb asks for no gap-free
    numbering; an auditor needs unique, ordered references, and the timeline records
    every case that was filed (README "References"). On SQLite (the embedded default,
    one writer at a time anyway) the counter row stays gap-free.
    """
    prefix = REFERENCE_PREFIX[CaseKind(kind)]
    if connection.vendor == "postgresql":
        number = _sequence_next(prefix, year, reserve)
    else:
        number = _counter_next(prefix, year)
    return f"{prefix}-{year}-{number:06d}"


# Only the first filing of a kind in a new year creates its sequence; this lock (held
# to the end of that transaction) keeps two first filings from creating it at once.
_SEQUENCE_CREATE_LOCK = 0x4B4C_425A  # "KLBZ"


def _sequence_next(prefix: str, year: int, reserve: Sequence[Sequence[Model]]) -> int:
    name = f"case_reference_{prefix.lower()}_{year:04d}"
    # One statement: the next number, or NULL while the year's sequence does not exist
    # (the cast to regclass happens at run time, only when it does).
    number = keys_reserve(
        *reserve,
        alongside=(
            "CASE WHEN to_regclass(%s) IS NOT NULL THEN nextval(%s::text::regclass) END",
            [name, name],
        ),
    )
    if number is not None:
        return number
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEQUENCE_CREATE_LOCK])
        # Go on from a counter an older version of the service left behind.
        counter = ReferenceCounter.objects.filter(prefix=prefix, year=year).first()
        start = (counter.last_number if counter else 0) + 1
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {int(start)}")
        cursor.execute("SELECT nextval(%s::text::regclass)", [name])
        return cursor.fetchone()[0]


def _counter_next(prefix: str, year: int) -> int:
    """Gap-free: the counter row is locked until the filing transaction ends, and a rolled
    back filing rolls its number back with it."""
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(prefix=prefix, year=year)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def filing_default_channel(by: User | None) -> Channel:
    """The channel of a filing that names none: integrations file as such, others by form."""
    if by is not None and by.is_authenticated and by.has_role(Role.INTEGRATION_CLIENT):
        return Channel.INTEGRATION
    return Channel.WEB


def _filing_channel_check(*, filing: Filing, by: User | None) -> datetime.datetime:
    """Who may file through which channel, and the received date-time that follows."""
    now = timezone.now()
    if filing.channel in STAFF_INTAKE_CHANNELS:
        if by is None or not by.has_perm("cases.register_intake"):
            raise PermissionDenied(
                gettext("Only staff can register a phone, counter, post or e-mail case.")
            )
        if filing.received_at is None:
            raise ValidationError(
                {"received_at": gettext("Give the date and time the case came in.")}
            )
        ensure_not_in_future("received_at", filing.received_at)
        return filing.received_at
    if filing.received_at is not None:
        raise ValidationError(
            {"received_at": gettext("Only staff intake (phone, counter, post, e-mail) sets this.")}
        )
    if filing.channel == Channel.INTEGRATION and (by is None or not by.is_authenticated):
        raise PermissionDenied(gettext("The integration channel needs an authenticated client."))
    return now


def _parties_check(parties: list[dict[str, Any]], kind: CaseKind) -> None:
    filers = [p for p in parties if p["role"] == PartyRole.FILER]
    representatives = [p for p in parties if p["role"] == PartyRole.REPRESENTATIVE]
    if len(filers) != 1:
        raise ValidationError(
            {"parties": gettext("Give exactly one complainant or objector (role filer).")}
        )
    if len(representatives) > 1:
        raise ValidationError({"parties": gettext("Give at most one representative.")})
    if kind == CaseKind.COMPLAINT and any(p["role"] == PartyRole.INTERESTED_PARTY for p in parties):
        raise ValidationError(
            {"parties": gettext("Interested third parties belong to objections.")}
        )


def _complaint_details(details: dict[str, Any] | None, by: User | None) -> dict[str, Any]:
    """Resolve the employee complained about; only staff may name a colleague by username
    (a resident describes them in words), so usernames cannot be probed from outside."""
    details = dict(details or {})
    username = details.pop("employee", "") or ""
    if not username:
        return details
    if by is None or not by.has_perm("cases.register_intake"):
        raise ValidationError(
            {"complaint.employee": gettext("Describe the person in employeeDescription instead.")}
        )
    employee = User.objects.filter(username=username, is_active=True).first()
    if employee is None or not employee.has_perm("cases.claim_case"):
        raise ValidationError(
            {"complaint.employee": gettext("No member of staff has this username.")}
        )
    details["employee"] = employee
    return details


def _party(data: dict[str, Any]) -> Party:
    """A party from its filed data; a BSN is kept only encrypted (never searchable)."""
    values = dict(data)
    bsn = values.pop("bsn", "")
    party = Party(**values)
    if bsn:
        party.bsn_set(bsn)
    return party


def _search_document(case: Case, parties: Iterable[Party]) -> str:
    names = " ".join(f"{p.name} {p.organisation_name}".strip() for p in parties)
    return f"{case.reference} {case.subject} {case.description} {names}"


# No savepoint: a filing that fails is not caught and retried inside the same transaction,
# it rolls back whole (every filing runs in the request's transaction).
@transaction.atomic(savepoint=False)
def case_file(*, filing: Filing, by: User | None) -> Case:
    """File a complaint or objection in its initial state, with parties and attachments.

    ``by`` is the signed-in user (resident, integration client or staff) or None for an
    anonymous form. Nothing is saved unless everything is.
    """
    received_at = _filing_channel_check(filing=filing, by=by)
    _parties_check(filing.parties, filing.kind)
    complaint = (
        _complaint_details(filing.complaint, by) if filing.kind == CaseKind.COMPLAINT else {}
    )
    if filing.kind == CaseKind.OBJECTION and filing.objection is None:
        raise ValidationError({"objection": gettext("Describe the decision objected to.")})

    registered_at = timezone.now()
    case = Case(
        kind=filing.kind,
        subject=filing.subject,
        description=filing.description,
        channel=filing.channel,
        received_at=received_at,
        registered_at=registered_at,
        registered_by=by if by is not None and by.is_authenticated else None,
        team=filing.team or _default_team(filing.kind),
    )
    parties = [_party(data) for data in filing.parties]
    decision_date = filing.objection["decision_date"] if filing.objection else None
    deadlines = deadlines_for_new_case(case=case, decision_date=decision_date)
    # The number, and on PostgreSQL the keys of the case, its parties and terms, in one
    # round trip: every row of the filing then goes in one more (deadlines_record).
    case.reference = reference_allocate(
        kind=filing.kind,
        year=timezone.localtime(registered_at).year,
        reserve=([case], parties, deadlines),
    )
    # Everything the case row holds is known before it is written: one INSERT.
    case.search_document = _search_document(case, parties)
    case.queue_due_date = queue_due_date_of(deadlines)
    for party in parties:
        party.case = case
    written_first: list[list[Model]] = [[case], parties]
    if case.pk is None:
        # No keys taken beforehand (SQLite): the case gets its key by being written, and
        # its event below needs it.
        rows_insert_together(*written_first)
        written_first = []
    details = (
        ComplaintDetails(case=case, **complaint)
        if filing.kind == CaseKind.COMPLAINT
        else ObjectionDetails(case=case, **filing.objection)
    )
    filed = CaseEvent(
        case=case,
        kind=EventKind.FILED,
        actor=case.registered_by,
        occurred_at=registered_at,
        data={"channel": case.channel, "received_at": as_json_value(received_at)},
    )
    # The resident's tracking link (its key shown once, in the filing's answer).
    link, case.tracking_key = tracking_link_new(case)
    # Its case.filed event and the consumers' deliveries of it, in the same round trip,
    # and so are the processing log's records of the filing (it processes the parties'
    # personal data): they commit with the case.
    published, deliveries = outbox_in_round_trip([events.case_filed(case)])
    case_processed(case, parties=parties)
    deadlines_record(
        case=case,
        deadlines=deadlines,
        by=case.registered_by,
        events=[filed],
        before=written_first,
        together=[[details], [link], published],
        then=[*deliveries, *records_in_round_trip()],
    )
    stored = attachments_store(case=case, attachments=filing.attachments, by=case.registered_by)
    # What the case's page shows is in memory: staff get it without a read back.
    rows_written(case, "parties", parties)
    rows_written(case, "attachments", stored)
    rows_written(case, "contact_moments", [])
    rows_written(case, "notices_of_default", [])
    rows_written(case, "deadlines", sorted(deadlines, key=lambda d: (d.due_date, d.pk)))
    return case


@transaction.atomic(savepoint=False)
def case_file_once(
    *, filing: Filing, by: User | None, key: str, fingerprint: str, caller: str = ""
) -> tuple[Case, bool]:
    """File once per idempotency key and caller; a retry returns the first case and True.

    ``caller`` scopes the keys (the API passes the account, or a hash of an anonymous
    client's address); by default the account, or all anonymous callers together. The key
    row is written before the case: a concurrent retry waits on its unique index until the
    first request commits, then finds its case. The same key with a different body is a
    conflict.
    """
    principal = caller or (
        f"user:{by.pk}" if by is not None and by.is_authenticated else "anonymous"
    )
    try:
        with transaction.atomic():
            claim = FilingKey.objects.create(principal=principal, key=key, fingerprint=fingerprint)
    except IntegrityError:
        existing = FilingKey.objects.select_related("case").get(principal=principal, key=key)
        if existing.fingerprint != fingerprint:
            raise DomainConflict(
                gettext("This Idempotency-Key was already used for a different request.")
            ) from None
        # The first answer (with its tracking link) was lost to the caller: a new link,
        # the one in the lost answer revoked.
        existing.case.tracking_key = tracking_link_issue(existing.case)
        return existing.case, True
    case = case_file(filing=filing, by=by)
    claim.case = case
    claim.save(update_fields=["case"])
    return case, False


def _default_team(kind: CaseKind) -> Team | None:
    code = settings.DEFAULT_TEAM_BY_KIND.get(str(kind))
    return Team.objects.filter(code=code, is_active=True).first() if code else None


def attachments_store(
    *, case: Case, attachments: Sequence[NewAttachment], by: User | None
) -> list[Attachment]:
    """Write files last; if one fails, remove those already written (the rows roll back)."""
    stored: list[Attachment] = []
    try:
        for item in attachments:
            attachment = Attachment(
                case=case,
                filename=item.filename,
                content_type=item.content_type,
                size=len(item.content),
                sha256=hashlib.sha256(item.content).hexdigest(),
                uploaded_by=by,
                scan_status=(
                    Attachment.ScanStatus.CLEAN
                    if item.scanned_clean
                    else Attachment.ScanStatus.PENDING
                ),
                scanned_at=timezone.now() if item.scanned_clean else None,
            )
            attachment.file.save("upload", ContentFile(item.content), save=False)
            stored.append(attachment)
            attachment.save()
    except Exception:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


def _can_handle(user: User, case: Case) -> bool:
    """Whether a user may be the handler of a case: a handling role, in the right team."""
    if not user.is_active or not user.has_perm("cases.claim_case"):
        return False
    complaint = getattr(case, "complaint", None) if case.kind == CaseKind.COMPLAINT else None
    if complaint is not None and complaint.employee_id == user.pk:
        return False  # Awb 9:7: never the person whose conduct is complained about
    if case.team_id is None or user.has_perm("cases.view_all_cases"):
        return True
    if case.kind == CaseKind.OBJECTION and user.has_perm("cases.view_all_objections"):
        return True
    return case.team_id in team_ids_cached(user)


@transaction.atomic
def case_assign(*, case: Case, assignee: User | None, by: User) -> Case:
    """Claim, assign, reassign or release a case.

    The row is locked first, so of two handlers claiming at once one wins and the other
    gets a conflict. Taking a case that someone else holds needs ``assign_case``.
    """
    # No select_related here: after waiting for the lock PostgreSQL returns the new case
    # row but the joined assignee from before the wait, which would hide the winner.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    case_write_check(case=locked, by=by)
    current = locked.assignee
    may_assign = by.has_perm("cases.assign_case")
    if assignee is not None and current is not None and assignee.pk == current.pk:
        return locked  # already so: PUT is idempotent

    if assignee is None:
        if current is None:
            return locked
        if current.pk != by.pk and not may_assign:
            raise PermissionDenied(
                gettext("Only the handler or a team lead can release this case.")
            )
        kind = EventKind.RELEASED
    elif assignee.pk == by.pk and not may_assign:
        if not by.has_perm("cases.claim_case"):
            raise PermissionDenied(gettext("Your role cannot claim cases."))
        if current is not None:
            raise DomainConflict(
                gettext("This case is already assigned to someone else."),
                assignee=current.username,
            )
        kind = EventKind.CLAIMED
    else:
        if not may_assign:
            raise PermissionDenied(gettext("Only a team lead can assign a case to someone else."))
        kind = EventKind.ASSIGNED if assignee.pk != by.pk else EventKind.CLAIMED

    if assignee is not None and not _can_handle(assignee, locked):
        raise ValidationError(
            {"assignee": gettext("This person cannot handle cases of this team.")}
        )

    locked.assignee = assignee
    locked.assigned_at = timezone.now() if assignee is not None else None
    locked.save(update_fields=["assignee", "assigned_at"])
    CaseEvent.objects.create(
        case=locked,
        kind=kind,
        actor=by,
        data={
            "assignee": {
                "before": current.username if current else None,
                "after": assignee.username if assignee else None,
            }
        },
    )
    return locked


@transaction.atomic
def case_claim(*, case: Case, by: User) -> Case:
    """Take an unassigned case: one click in a queue. Someone who got there first keeps
    it - also when the one clicking may reassign (a team lead's stale queue row must not
    take a case a handler just claimed); reassigning is ``case_assign``'s."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.assignee_id is not None and locked.assignee_id != by.pk:
        raise DomainConflict(
            gettext("This case is already assigned to someone else."),
            assignee=locked.assignee.username,
        )
    return case_assign(case=locked, assignee=by, by=by)


@transaction.atomic
def case_add_note(*, case: Case, text: str, by: User) -> CaseEvent:
    """An internal note on the timeline (staff only; never shown to the resident)."""
    if not by.has_perm("cases.add_note"):
        raise PermissionDenied(gettext("Your role cannot add notes."))
    case_write_check(case=case, by=by)
    if not text.strip():
        raise ValidationError({"text": gettext("Write the note.")})
    return CaseEvent.objects.create(case=case, kind=EventKind.NOTE, actor=by, text=text.strip())


@transaction.atomic
def measures_write(*, year: int, text: str, by: User) -> ComplaintReportMeasures:
    """The measures section of a year's complaint report (team leads)."""
    if not by.has_perm("cases.write_report_measures"):
        raise PermissionDenied(gettext("Only team leads write the measures."))
    measures, _ = ComplaintReportMeasures.objects.update_or_create(
        year=year, defaults={"text": text.strip()}
    )
    return measures


@transaction.atomic
def case_legal_hold_set(*, case: Case, hold: bool, reason: str, by: User) -> Case:
    """Put a case on legal hold (retention keeps it) or lift the hold; on the timeline."""
    if not by.has_perm("cases.set_legal_hold"):
        raise PermissionDenied(gettext("Your role cannot put a case on legal hold."))
    if hold and not reason.strip():
        raise ValidationError({"reason": gettext("Say why the case must be kept.")})
    case = Case.objects.select_for_update().get(pk=case.pk)
    case.legal_hold, case.legal_hold_reason = hold, reason.strip() if hold else ""
    case.save(update_fields=["legal_hold", "legal_hold_reason"])
    text = "Legal hold: kept past retention." if hold else "Legal hold lifted."
    CaseEvent.objects.create(
        case=case, kind=EventKind.NOTE, actor=by, text=text, data={"legal_hold": hold}
    )
    return case


@transaction.atomic
def contact_moment_log(
    *,
    case: Case,
    by: User,
    occurred_at: datetime.datetime,
    outcome: str,
    channel: str = "phone",
    callback_at: datetime.datetime | None = None,
    note: str = "",
) -> ContactMoment:
    """Log a call attempt or conversation; reaching the resident meets the contact norm."""
    if not by.has_perm("cases.log_contact"):
        raise PermissionDenied(gettext("Your role cannot log contact moments."))
    case_write_check(case=case, by=by)
    if case.closed_at is not None:
        raise DomainConflict(gettext("This case is closed."))
    ensure_not_in_future("occurred_at", occurred_at)
    if outcome == ContactOutcome.CALLBACK_REQUESTED and callback_at is None:
        raise ValidationError({"callback_at": gettext("When should we call back?")})
    moment = ContactMoment.objects.create(
        case=case,
        by=by,
        occurred_at=occurred_at,
        outcome=outcome,
        channel=channel,
        callback_at=callback_at,
        note=note,
    )
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.CONTACT,
        actor=by,
        data={"channel": channel, "outcome": outcome, "occurred_at": as_json_value(occurred_at)},
    )
    if outcome == ContactOutcome.REACHED:
        _first_contact_meet(case, timezone.localtime(occurred_at).date(), by, channel)
    return moment


def _first_contact_meet(case: Case, on: datetime.date, by: User, channel: str) -> None:
    """The first conversation meets the first-contact norm on the day it took place. A
    conversation logged after the sweep marked the norm missed, but held in time, corrects
    the record: the norm was met."""
    first_contact = (
        case.deadlines.filter(kind=DeadlineKind.FIRST_CONTACT)
        .filter(Q(state=DeadlineState.RUNNING) | Q(state=DeadlineState.MISSED, due_date__gte=on))
        .first()
    )
    if first_contact is not None:
        deadline_meet(deadline=first_contact, by=by, on=on, reason=f"reached by {channel}")


@transaction.atomic
def case_rate(*, case: Case, rating: int, comment: str, by: User | None) -> Satisfaction:
    """The complainant rates the handling once, after closing (service-quality figures).

    The complainant themselves (``by`` None: through the case's tracking link), or a
    handler recording a rating given by phone.
    """
    if by is not None:
        if case.registered_by_id != by.pk and not by.has_perm("cases.log_contact"):
            raise PermissionDenied(
                gettext("Only the complainant or their handler records the rating.")
            )
        case_write_check(case=case, by=by)
    # Two ratings at the same moment: the second waits here, then finds the first.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_at is None:
        raise DomainConflict(gettext("A case can be rated once it is closed."))
    if Satisfaction.objects.filter(case=case).exists():
        raise DomainConflict(gettext("This case has already been rated."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": gettext("Give a rating from 1 to 5.")})
    satisfaction = Satisfaction.objects.create(
        case=case, rating=rating, comment=comment, recorded_by=by
    )
    CaseEvent.objects.create(
        case=case, kind=EventKind.SATISFACTION, actor=by, data={"rating": rating}
    )
    figures_refresh(case)
    return satisfaction

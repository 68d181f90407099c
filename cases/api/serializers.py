"""Shapes of the case API. Validation of form only; rules live in cases.services."""

import base64
import binascii
import datetime
import os
import re
from typing import Any

import phonenumbers
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.accounts.models import Team, User
from backend.api.camel import Camel, camel_keys
from backend.api.inputs import (
    BoundedList,
    NotInFuture,
    PlausibleDateField,
    PlausibleDateTimeField,
    StrictSerializer,
)
from backend.api.output import PlannedOutput, timestamp_text
from backend.bsn import bsn_invalid_message, bsn_normalised
from cases import antivirus
from cases.api.step_links import AvailableStepSerializer, available_steps
from cases.attachments import INFECTED, REFUSAL_MESSAGES, refusal, sniff_content_type
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Channel,
    ContactChannel,
    ContactMoment,
    ContactTime,
    Deadline,
    DeadlineChange,
    DeadlineKind,
    DeadlineState,
    Language,
    Party,
    PartyRole,
    PartyType,
)
from cases.penalties import penalty_status
from cases.selectors import latest_events
from cases.services import NewAttachment
from cases.tracking_links import tracking_url
from cases.workflows.registry import WORKFLOWS
from cases.workflows.service import steps_available

_NL_POSTAL_CODE = re.compile(r"^([1-9][0-9]{3})\s?([A-Za-z]{2})$")


class PartyInputSerializer(StrictSerializer):
    class Meta:
        list_serializer_class = BoundedList

    role = serializers.ChoiceField(choices=PartyRole.choices, default=PartyRole.FILER)
    party_type = serializers.ChoiceField(choices=PartyType.choices, default=PartyType.PERSON)
    name = serializers.CharField(max_length=200)
    organisation_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Required when partyType is organisation.",
    )
    street = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="Street, houseNumber, postalCode and city are required when "
        "preferredChannel is post.",
    )
    house_number = serializers.CharField(max_length=10, required=False, allow_blank=True)
    house_number_addition = serializers.CharField(max_length=10, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=10, required=False, allow_blank=True)
    city = serializers.CharField(max_length=80, required=False, allow_blank=True)
    country = serializers.RegexField(r"^[A-Z]{2}$", required=False, default="NL")
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        help_text="Required when preferredChannel is email or lettersByEmail is true.",
    )
    phone = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text="Required when preferredChannel is phone (the default). Dutch numbers "
        "may be written the Dutch way (06 12345678); stored as E.164.",
    )
    preferred_channel = serializers.ChoiceField(
        choices=ContactChannel.choices, default=ContactChannel.PHONE
    )
    preferred_contact_times = serializers.ListField(
        child=serializers.ChoiceField(choices=ContactTime.choices), required=False, max_length=3
    )
    language = serializers.ChoiceField(choices=Language.choices, default=Language.DUTCH)
    needs_interpreter = serializers.BooleanField(default=False)
    interpreter_language = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="Required when needsInterpreter is true.",
    )
    needs_extra_care = serializers.BooleanField(default=False)
    care_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    letters_by_email = serializers.BooleanField(
        default=False,
        help_text="Agrees to receive letters by e-mail with the PDF attached (Awb 2:14); "
        "needs an e-mail address. Otherwise letters come by post.",
    )
    large_print = serializers.BooleanField(
        default=False, help_text="Letters in large print (14 pt), e.g. for low vision."
    )
    bsn = serializers.CharField(
        max_length=11,
        required=False,
        allow_blank=True,
        help_text="Burgerservicenummer, optional (9 digits, the eleven-test; spaces and dots "
        "allowed). Stored encrypted; shown only to legal staff and to clients with the "
        "persons:bsn scope.",
    )

    def validate_bsn(self, value: str) -> str:
        number = bsn_normalised(value)
        if number is None:
            raise serializers.ValidationError(bsn_invalid_message())
        return number

    def validate_phone(self, value: str) -> str:
        """Stored as E.164; Dutch numbers may be written the Dutch way (06 ...)."""
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, "NL")
        except phonenumbers.NumberParseException:
            raise serializers.ValidationError(gettext("This is not a phone number.")) from None
        if not phonenumbers.is_valid_number(number):
            raise serializers.ValidationError(gettext("This phone number does not exist."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        if attrs.get("country", "NL") == "NL" and attrs.get("postal_code"):
            match = _NL_POSTAL_CODE.match(attrs["postal_code"].strip())
            if match is None:
                errors["postal_code"] = gettext("A Dutch postal code looks like 1234 AB.")
            else:
                attrs["postal_code"] = f"{match.group(1)} {match.group(2).upper()}"
        if attrs["party_type"] == PartyType.ORGANISATION and not attrs.get("organisation_name"):
            errors["organisation_name"] = gettext("Give the name of the organisation.")
        has_address = all(attrs.get(f) for f in ("street", "house_number", "postal_code", "city"))
        channel = attrs["preferred_channel"]
        if channel == ContactChannel.PHONE and not attrs.get("phone"):
            errors["phone"] = gettext("Give a phone number, or choose another way to be contacted.")
        elif channel == ContactChannel.EMAIL and not attrs.get("email"):
            errors["email"] = gettext(
                "Give an e-mail address, or choose another way to be contacted."
            )
        elif channel == ContactChannel.POST and not has_address:
            errors["street"] = gettext("Give street, house number, postal code and city for post.")
        if attrs.get("letters_by_email") and not attrs.get("email"):
            errors["email"] = gettext("Give an e-mail address to receive letters by e-mail.")
        if attrs.get("needs_interpreter") and not attrs.get("interpreter_language"):
            errors["interpreter_language"] = gettext("Which language should the interpreter speak?")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AttachmentInputSerializer(StrictSerializer):
    filename = serializers.CharField(max_length=255)
    content = serializers.CharField(help_text="The file, base64 encoded.")

    def validate(self, attrs: dict[str, Any]) -> NewAttachment:
        try:
            content = base64.b64decode(attrs["content"], validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                {"content": gettext("This is not valid base64.")}
            ) from None
        if not content:
            raise serializers.ValidationError({"content": gettext("The file is empty.")})
        if len(content) > settings.ATTACHMENT_MAX_BYTES:
            raise serializers.ValidationError(
                {
                    "content": gettext("The file is larger than %(bytes)d bytes.")
                    % {"bytes": settings.ATTACHMENT_MAX_BYTES}
                }
            )
        content_type = sniff_content_type(content)
        if content_type not in settings.ATTACHMENT_ALLOWED_TYPES:
            allowed = ", ".join(settings.ATTACHMENT_ALLOWED_TYPES)
            raise serializers.ValidationError(
                {
                    "content": gettext("This type of file is not accepted. Accepted: %(types)s.")
                    % {"types": allowed}
                }
            )
        # A program, an archive or macros inside; then what the virus scanner finds. A
        # scanner that cannot answer leaves the file in quarantine (cases.antivirus).
        refused = refusal(content, content_type)
        verdict = antivirus.upload_scan(content, content_type).verdict if not refused else None
        if verdict == antivirus.INFECTED:
            refused = INFECTED
        if refused is not None:
            raise serializers.ValidationError(
                {"content": str(REFUSAL_MESSAGES[refused])}, code=refused
            )
        filename = os.path.basename(attrs["filename"].replace("\\", "/")).strip() or "bijlage"
        return NewAttachment(
            filename=filename,
            content=content,
            content_type=content_type,
            scanned_clean=verdict == antivirus.CLEAN,
        )


class ComplaintInputSerializer(StrictSerializer):
    employee = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="Staff intake only: username of the employee complained about (Awb 9:7).",
    )
    employee_description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    conduct_date = PlausibleDateField(required=False, allow_null=True, validators=[NotInFuture()])


class ObjectionInputSerializer(StrictSerializer):
    decision_reference = serializers.CharField(max_length=80)
    decision_subject = serializers.CharField(max_length=200)
    decision_date = PlausibleDateField(
        validators=[NotInFuture()], help_text="The day the decision was made known."
    )
    decision_department = serializers.CharField(max_length=120, required=False, allow_blank=True)
    grounds = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    pro_forma = serializers.BooleanField(default=False)
    signed = serializers.BooleanField(default=False)
    costs_reimbursement_requested = serializers.BooleanField(default=False)


class FilingSerializer(StrictSerializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    received_at = PlausibleDateTimeField(
        required=False,
        help_text="Staff intake only (phone, counter, post, e-mail): when it came in.",
    )
    team = serializers.SlugRelatedField(
        slug_field="code", queryset=Team.objects.filter(is_active=True), required=False
    )
    parties = PartyInputSerializer(
        many=True,
        allow_empty=False,
        max_length=12,
        help_text="The complainant or objector (role filer, exactly one), and any "
        "representative or interested third parties.",
    )
    attachments = AttachmentInputSerializer(many=True, required=False)

    def validate_attachments(self, value: list) -> list:
        if len(value) > settings.ATTACHMENT_MAX_COUNT:
            raise serializers.ValidationError(
                gettext("Send at most %(count)d attachments.")
                % {"count": settings.ATTACHMENT_MAX_COUNT}
            )
        return value


class ComplaintFilingSerializer(FilingSerializer):
    complaint = ComplaintInputSerializer(required=False)


class ObjectionFilingSerializer(FilingSerializer):
    objection = ObjectionInputSerializer()


def _due(case: Case, *kinds: str) -> datetime.date | None:
    """The due date of the case's first running term of these kinds (from what the filing
    wrote, in memory)."""
    due = [
        each.due_date
        for each in case.deadlines.all()
        if each.kind in kinds and each.state == DeadlineState.RUNNING
    ]
    return min(due, default=None)


class FilingReceiptSerializer(PlannedOutput, serializers.ModelSerializer):
    """What a resident or form gets back: enough to refer to the case later, when we will
    call, when the decision is due, and the resident's own tracking link."""

    call_by = serializers.SerializerMethodField(
        help_text="The day by which we call the resident (first-contact norm, working days)."
    )
    decision_by = serializers.SerializerMethodField(
        help_text="The day by which the complaint is answered (Awb 9:11) or the objection "
        "decided (Awb 7:10), as the terms stand now (an extension moves it)."
    )
    tracking_url = serializers.SerializerMethodField(
        help_text="The resident's link to follow the case without an account (GET it with "
        "no credentials). Shown only in this answer: pass it on to the resident."
    )

    class Meta:
        model = Case
        fields = [
            "reference", "kind", "status", "subject", "received_at",
            "call_by", "decision_by", "tracking_url",
        ]  # fmt: skip

    def get_call_by(self, case: Case) -> datetime.date | None:
        return _due(case, DeadlineKind.FIRST_CONTACT)

    def get_decision_by(self, case: Case) -> datetime.date | None:
        return _due(case, DeadlineKind.COMPLAINT_HANDLING, DeadlineKind.OBJECTION_DECISION)

    def get_tracking_url(self, case: Case) -> str | None:
        key = getattr(case, "tracking_key", None)
        if key is None:
            return None
        return tracking_url(key)


class TeamSerializer(PlannedOutput, serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["code", "name"]


class PersonSerializer(PlannedOutput, serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = User
        fields = ["username", "name"]


HIDDEN = "null for a caller who may not see personal data (an administrator)."


def personal_text() -> serializers.CharField:
    """Text that is personal data: null for a caller who may not see it."""
    return serializers.CharField(allow_null=True, help_text=HIDDEN)


class PartySerializer(PlannedOutput, serializers.ModelSerializer):
    """A party; contact details only with ``personal_data``, the care note with ``care_note``."""

    _CONTACT = (
        "street",
        "house_number",
        "house_number_addition",
        "postal_code",
        "city",
        "country",
        "email",
        "phone",
        "preferred_contact_times",
        "interpreter_language",
    )
    # Who the party is, null for a caller without personal data (an administrator).
    name = personal_text()
    organisation_name = personal_text()
    bsn = serializers.SerializerMethodField(
        help_text="The BSN, for legal staff and for clients with the persons:bsn scope; "
        "null for every other caller, and when none was given."
    )

    class Meta:
        model = Party
        fields = [
            "id",
            "role",
            "party_type",
            "name",
            "organisation_name",
            "street",
            "house_number",
            "house_number_addition",
            "postal_code",
            "city",
            "country",
            "email",
            "phone",
            "preferred_channel",
            "preferred_contact_times",
            "language",
            "needs_interpreter",
            "interpreter_language",
            "needs_extra_care",
            "care_note",
            "letters_by_email",
            "large_print",
            "bsn",
        ]

    def get_bsn(self, party: Party) -> str | None:
        # Decrypted only for a caller who may see it.
        if not self.context.get("bsn") or not party.bsn_encrypted:
            return None
        return party.bsn

    def to_representation(self, instance: Party) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("personal_data"):
            data["name"] = data["organisation_name"] = None
            for name in self._CONTACT:
                data.pop(name, None)
        if not self.context.get("care_note"):
            # The flag and the note are for handling staff (README), not the resident.
            data.pop("care_note", None)
            data.pop("needs_extra_care", None)
        return data


class ComplaintDetailsSerializer(PlannedOutput, serializers.Serializer):
    employee = PersonSerializer(allow_null=True)
    employee_description = serializers.CharField()
    conduct_date = serializers.DateField(allow_null=True)
    receipt_confirmed_at = serializers.DateTimeField(allow_null=True)
    informal_solution = serializers.CharField()
    satisfaction_confirmed_via = serializers.CharField()
    satisfaction_confirmed_at = serializers.DateTimeField(allow_null=True)
    hearing_at = serializers.DateTimeField(allow_null=True)
    hearing_location = serializers.CharField()
    hearing_report = serializers.CharField()
    hearing_waived_ground = serializers.CharField()
    with_committee = serializers.BooleanField()
    committee_name = serializers.CharField()
    extensions = serializers.IntegerField()
    findings = serializers.CharField()
    judgement = serializers.CharField()
    conclusions = serializers.CharField()
    measures = serializers.CharField()
    not_handled_ground = serializers.CharField()
    forwarded_to = serializers.CharField()
    forwarded_at = serializers.DateTimeField(allow_null=True)


class ObjectionDetailsSerializer(PlannedOutput, serializers.Serializer):
    decision_reference = serializers.CharField()
    decision_subject = serializers.CharField()
    decision_date = serializers.DateField()
    decision_department = serializers.CharField()
    grounds = serializers.CharField()
    pro_forma = serializers.BooleanField()
    signed = serializers.BooleanField()
    costs_reimbursement_requested = serializers.BooleanField()
    receipt_confirmed_at = serializers.DateTimeField(allow_null=True)
    posted_on = serializers.DateField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)
    timeliness = serializers.CharField()
    excusable_reason = serializers.CharField()
    missing_elements = serializers.ListField(child=serializers.CharField())
    repair_requested_on = serializers.DateField(allow_null=True)
    repair_due = serializers.DateField(allow_null=True)
    repaired_on = serializers.DateField(allow_null=True)
    repair_lapsed = serializers.BooleanField()
    changed_decision_reference = serializers.CharField()
    hearing_at = serializers.DateTimeField(allow_null=True)
    hearing_invited_on = serializers.DateField(allow_null=True)
    hearing_location = serializers.CharField()
    inspection_from = serializers.DateField(allow_null=True)
    inspection_place = serializers.CharField()
    hearing_report = serializers.CharField()
    hearing_waived_ground = serializers.CharField()
    with_committee = serializers.BooleanField()
    committee_name = serializers.CharField()
    committee_advice = serializers.CharField()
    committee_recommendation = serializers.CharField()
    postponements = serializers.IntegerField()
    outcome = serializers.CharField()
    reasons = serializers.CharField()
    costs = serializers.CharField()
    new_decision_reference = serializers.CharField()
    departs_from_advice_reasons = serializers.CharField()
    drafted_by = PersonSerializer(allow_null=True)
    reviewed_by = PersonSerializer(allow_null=True)
    review_comments = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_sent_on = serializers.DateField(allow_null=True)


class AttachmentSerializer(PlannedOutput, serializers.ModelSerializer):
    class Meta:
        model = Attachment
        # scanStatus: pending (waiting for the virus scan: not served yet), clean, infected.
        fields = ["id", "filename", "content_type", "size", "sha256", "uploaded_at", "scan_status"]


class DeadlineChangeSerializer(PlannedOutput, serializers.ModelSerializer):
    by = PersonSerializer(allow_null=True)

    class Meta:
        model = DeadlineChange
        fields = [
            "kind",
            "occurred_at",
            "by",
            "reason",
            "letter_reference",
            "due_before",
            "due_after",
        ]


class DeadlineSerializer(PlannedOutput, serializers.ModelSerializer):
    """A term on the case with the working days left (context: calendars and today)."""

    working_days_left = serializers.SerializerMethodField()
    history = DeadlineChangeSerializer(source="changes", many=True)

    class Meta:
        model = Deadline
        fields = [
            "kind",
            "is_norm",
            "legal_basis",
            "start_date",
            "due_date",
            "state",
            "suspended_since",
            "closed_on",
            "working_days_left",
            "history",
        ]

    def get_working_days_left(self, deadline: Deadline) -> int | None:
        """Working days after today up to the due date; negative when overdue."""
        if deadline.state != DeadlineState.RUNNING:
            return None
        today = self.context["today"]
        if deadline.is_norm:
            return self.context["norm_calendar"].working_days_between(today, deadline.due_date)
        return self.context["legal_calendar"].working_days_left(today, deadline.due_date)


class _CaseBaseSerializer(PlannedOutput, serializers.ModelSerializer):
    team = TeamSerializer(allow_null=True)
    assignee = PersonSerializer(allow_null=True)
    next_due_date = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, case: Case) -> bool:
        due = case.next_due_date
        return case.is_open and due is not None and due < self._today()

    def _today(self) -> datetime.date:
        """Today, once per serializer: a page's rows share it (and the lookup of the
        current time zone it takes was a tenth of a queue page)."""
        today = self.__dict__.get("_today_kept")
        if today is None:
            today = self._today_kept = timezone.localdate()
        return today


class CaseQueueItemSerializer(_CaseBaseSerializer):
    """A row in a work queue. The subject and the filer's name only for callers who see the
    case's personal data (handling staff; a filer their own cases)."""

    subject = serializers.SerializerMethodField()
    filer_name = serializers.SerializerMethodField()
    needs_extra_care = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "reference",
            "kind",
            "status",
            "subject",
            "channel",
            "received_at",
            "next_due_date",
            "overdue",
            "team",
            "assignee",
            "filer_name",
            "needs_extra_care",
        ]

    def _flags(self) -> tuple[int | None, bool, bool, bool]:
        """The caller's key, whether they see personal data and the care note, and whether
        the row is for the API (camelCase keys), read from the context once per
        serializer (DRF walks up to the root for each read)."""
        flags = self.__dict__.get("_flags_kept")
        if flags is None:
            context = self.context
            flags = self._flags_kept = (
                context.get("user_pk"),
                bool(context.get("personal_data")),
                bool(context.get("care_note")),
                bool(context.get("camel_case")),
            )
        return flags

    def _personal_data(self, case: Case) -> bool:
        user_pk, personal_data, _, _ = self._flags()
        return personal_data or (user_pk is not None and case.registered_by_id == user_pk)

    def get_subject(self, case: Case) -> str | None:
        return case.subject if self._personal_data(case) else None

    # filer_name and filer_needs_extra_care: annotations of the queue (selectors.case_queue).
    def get_filer_name(self, case: Case) -> str | None:
        return case.filer_name if self._personal_data(case) else None

    def get_needs_extra_care(self, case: Case) -> bool | None:
        return case.filer_needs_extra_care if self._flags()[2] else None

    def to_representation(self, case: Case) -> dict[str, Any]:
        """The row as the declared fields give it, built directly: a queue page is 50 of
        these, and DRF's field-by-field walk was a quarter of the page's time. A test
        holds it equal to the walk (``to_representation_declared``). With
        ``camel_case`` in the context (the API) its keys are camelCase already: the
        renderer's conversion of every row's keys was a twelfth of the page's time."""
        team, assignee = case.team, case.assignee
        due = case.next_due_date
        personal = self._personal_data(case)
        values = (
            case.reference,
            case.kind,
            case.status,
            case.subject if personal else None,
            case.channel,
            timestamp_text(case.received_at, self._zone()),
            due.isoformat() if due is not None else None,
            self.get_overdue(case),
            {"code": team.code, "name": team.name} if team is not None else None,
            (
                {"username": assignee.username, "name": assignee.display_name}
                if assignee is not None
                else None
            ),
            case.filer_name if personal else None,
            self.get_needs_extra_care(case),
        )
        if self._flags()[3]:
            return Camel(zip(_QUEUE_ROW_CAMEL, values, strict=True))
        return dict(zip(_QUEUE_ROW, values, strict=True))

    def to_representation_declared(self, case: Case) -> dict[str, Any]:
        return super().to_representation(case)


# A queue row's keys, in the order of its declared fields (``to_representation``).
_QUEUE_ROW = tuple(CaseQueueItemSerializer.Meta.fields)
_QUEUE_ROW_CAMEL = camel_keys(_QUEUE_ROW)


class ContactMomentOutSerializer(PlannedOutput, serializers.ModelSerializer):
    by = PersonSerializer()

    class Meta:
        model = ContactMoment
        fields = ["id", "occurred_at", "by", "channel", "outcome", "callback_at", "note"]


class PenaltySerializer(PlannedOutput, serializers.Serializer):
    """Penalty position of an objection (Awb 4:17-4:18)."""

    term_expired = serializers.DateField()
    notice_received = serializers.DateField(allow_null=True)
    notice_counts = serializers.BooleanField()
    first_day = serializers.DateField(allow_null=True)
    last_day = serializers.DateField(allow_null=True)
    days = serializers.IntegerField()
    amount = serializers.CharField(help_text="Euros so far, e.g. 161.00.")
    cap_reached = serializers.BooleanField()
    accruing = serializers.BooleanField()
    fix_amount_by = serializers.DateField(allow_null=True)


class CaseEventSerializer(PlannedOutput, serializers.ModelSerializer):
    actor = PersonSerializer(allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "occurred_at", "actor", "data", "text"]


class CaseDetailSerializer(_CaseBaseSerializer):
    """The whole case for its page. Staff also get the workflow: the steps the caller may
    take now, the contact moments and the timeline."""

    # What the filer wrote and sent: null for a caller without personal data.
    _PERSONAL = ("subject", "description", "complaint", "objection", "attachments")

    subject = personal_text()
    description = personal_text()
    available_transitions = serializers.SerializerMethodField()
    penalty = serializers.SerializerMethodField()
    contact_moments = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    parties = PartySerializer(many=True)
    complaint = serializers.SerializerMethodField()
    objection = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, allow_null=True, help_text=HIDDEN)
    deadlines = DeadlineSerializer(many=True)

    class Meta:
        model = Case
        fields = [
            "reference",
            "kind",
            "status",
            "subject",
            "description",
            "channel",
            "received_at",
            "registered_at",
            "team",
            "assignee",
            "assigned_at",
            "next_due_date",
            "overdue",
            "closed_at",
            "parties",
            "complaint",
            "objection",
            "attachments",
            "deadlines",
            "available_transitions",
            "penalty",
            "contact_moments",
            "timeline",
        ]

    def to_representation(self, instance: Case) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("personal_data"):
            data.update(dict.fromkeys(self._PERSONAL))
        return data

    def _staff(self) -> bool:
        user = self.context.get("user")
        return user is not None and user.has_perm("cases.view_events")

    @extend_schema_field(AvailableStepSerializer(many=True))
    def get_available_transitions(self, case: Case) -> list[dict]:
        """The steps the caller may take now, each with its labels and operation."""
        user = self.context.get("user")
        workflow = WORKFLOWS.get(case.kind)
        if user is None or workflow is None:
            return []
        return available_steps(workflow, steps_available(case, user), case.reference)

    @extend_schema_field(PenaltySerializer(allow_null=True))
    def get_penalty(self, case: Case) -> dict | None:
        """Objections with a notice of default: penalty days and amount so far (staff)."""
        if not self._staff() or case.kind != "objection":
            return None
        status = penalty_status(case, self.context.get("today"))
        return self.nested_data(PenaltySerializer, status) if status else None

    @extend_schema_field(ContactMomentOutSerializer(many=True, allow_null=True))
    def get_contact_moments(self, case: Case) -> list[dict] | None:
        if not self._staff():
            return None
        return self.nested_data(ContactMomentOutSerializer, case.contact_moments.all(), many=True)

    @extend_schema_field(CaseEventSerializer(many=True, allow_null=True))
    def get_timeline(self, case: Case) -> list[dict] | None:
        """The latest entries; the whole history is at /cases/{reference}/events."""
        if not self._staff():
            return None
        return self.nested_data(CaseEventSerializer, latest_events(case), many=True)

    @extend_schema_field(ComplaintDetailsSerializer(allow_null=True))
    def get_complaint(self, case: Case) -> dict | None:
        details = getattr(case, "complaint", None) if case.kind == "complaint" else None
        return self.nested_data(ComplaintDetailsSerializer, details) if details else None

    @extend_schema_field(ObjectionDetailsSerializer(allow_null=True))
    def get_objection(self, case: Case) -> dict | None:
        details = getattr(case, "objection", None) if case.kind == "objection" else None
        return self.nested_data(ObjectionDetailsSerializer, details) if details else None


class AssignmentInputSerializer(StrictSerializer):
    assignee = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        help_text="Username of the new handler, or null to release the case.",
    )


class AssignmentSerializer(PlannedOutput, serializers.ModelSerializer):
    assignee = PersonSerializer(allow_null=True)

    class Meta:
        model = Case
        fields = ["reference", "assignee", "assigned_at"]


class NoteInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=10000)

"""Cases: one table for complaints and objections, their parties, attachments and timeline.

Complaints and objections share queues, deadlines, parties, letters and audit, so they
share the ``Case`` table with a ``kind``; data only one kind has lives in its own
one-to-one table. State changes only through the workflows (later issues), so ``status``
is a protected django-fsm field.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from backend import encryption

# A case with no due date sorts after every dated case. A sentinel instead of NULL keeps
# the queue's keyset pagination and its index simple; the API shows it as null.
NO_DUE_DATE = datetime.date(9999, 12, 31)


class OpenAndDue:
    """What a case answers from its closing moment and queue date - the model, and a
    queue row read without one (``selectors.QueueRow``)."""

    queue_due_date: datetime.date
    closed_at: datetime.datetime | None

    @property
    def next_due_date(self) -> datetime.date | None:
        """The next due date as the API shows it: null for the no-due-date sentinel."""
        return None if self.queue_due_date == NO_DUE_DATE else self.queue_due_date

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    OBJECTION = "objection", _("objection")


REFERENCE_PREFIX = {CaseKind.COMPLAINT: "KL", CaseKind.OBJECTION: "BZ"}


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    PHONE = "phone", _("phone")
    COUNTER = "counter", _("counter")
    POST = "post", _("post")
    EMAIL = "email", _("e-mail")
    INTEGRATION = "integration", _("integration")


# Channels where a member of staff registers what a resident brought in; the actual
# received date-time is then given by staff (a letter may have arrived days earlier).
STAFF_INTAKE_CHANNELS = frozenset({Channel.PHONE, Channel.COUNTER, Channel.POST, Channel.EMAIL})


class CaseStatus(models.TextChoices):
    """The states every case kind shares; the workflows add their own."""

    RECEIVED = "received", _("received")


class Case(OpenAndDue, ConcurrentTransitionMixin, models.Model):
    """A complaint or an objection.

    ConcurrentTransitionMixin makes a save fail when the status changed underneath it,
    so two transitions from the same state cannot both win.
    """

    # Unique by a constraint in Meta (the unique index alone; see backend.unique_constraint).
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    status = FSMField(_("status"), max_length=40, default=CaseStatus.RECEIVED, protected=True)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_cases",
    )
    # The queue indexes below start with team and assignee; a second single-column index
    # on each would only cost writes.
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        db_index=False,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    queue_due_date = models.DateField(_("next due date"), default=NO_DUE_DATE)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A legal hold keeps the case past its retention period (a court case, a complaint to
    # the Ombudsman, a request under the Woo): retention skips it while it is on.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.CharField(_("reason for the hold"), max_length=300, blank=True)
    # Reference, subject, description and party names, for full-text search. Internal:
    # never serialised.
    search_document = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["queue_due_date", "received_at", "id"], name="case_queue_order"),
            models.Index(
                fields=["team", "queue_due_date", "received_at", "id"], name="case_team_queue"
            ),
            models.Index(
                fields=["assignee", "queue_due_date", "received_at", "id"],
                name="case_assignee_queue",
            ),
            # The queue shows open cases by default: a few percent of a table that is
            # mostly history. Without these, a filter that matches few open cases
            # (team and status) walked the team's closed cases too: 1.4 s at 1,000,000.
            models.Index(
                fields=["queue_due_date", "received_at", "id"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_queue",
            ),
            models.Index(
                fields=["team", "queue_due_date", "received_at", "id"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_team_queue",
            ),
            models.Index(
                fields=["assignee", "queue_due_date", "received_at", "id"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_assignee_queue",
            ),
            # A team's cases in one state (the new ones, those heard, ...) in queue order.
            models.Index(
                fields=["team", "status", "queue_due_date", "received_at", "id"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_team_status_queue",
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["reference"], name="case_reference_unique")]
        permissions = [
            ("file_case", _("Can file a complaint or objection")),
            ("register_intake", _("Can register a case brought in by phone, counter, post")),
            ("view_queue", _("Can view work queues")),
            ("view_all_cases", _("Can view the cases of every team")),
            ("view_all_objections", _("Can view the objections of every team")),
            ("view_personal_data", _("Can view personal data of parties")),
            ("view_care_note", _("Can view the extra-care note of a party")),
            ("view_bsn", _("Can view a party's BSN")),
            ("claim_case", _("Can claim and release a case")),
            ("assign_case", _("Can assign a case to someone else")),
            ("add_note", _("Can add an internal note")),
            ("view_events", _("Can view a case's timeline")),
            ("log_contact", _("Can log a contact moment")),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def state_fields(self) -> tuple[FSMField, ...]:
        """The status field, looked up once per class: django-fsm filters every field of
        the model for each instance it creates (to remember the state it was read in),
        a few per cent of a queue page's time."""
        cls = type(self)
        if "_state_fields" not in cls.__dict__:
            cls._state_fields = tuple(super().state_fields)
        return cls._state_fields


class ComplaintDetails(models.Model):
    """What only a complaint has: the conduct complained about (Awb 9:1, 9:7)."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="complaint"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee complained about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
    )
    # When the person is not (yet) matched to a user, or is not staff of ours.
    employee_description = models.CharField(
        _("person or unit complained about"), max_length=200, blank=True
    )
    conduct_date = models.DateField(_("date of the conduct"), null=True, blank=True)

    # Filled in by the workflow (cases.workflows.complaint), step by step.
    receipt_confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    informal_solution = models.TextField(_("agreed solution (Awb 9:5)"), blank=True)
    satisfaction_confirmed_via = models.CharField(
        _("satisfaction confirmed via"), max_length=20, blank=True
    )
    satisfaction_confirmed_at = models.DateTimeField(
        _("satisfaction confirmed at"), null=True, blank=True
    )
    hearing_at = models.DateTimeField(_("hearing at"), null=True, blank=True)
    hearing_location = models.CharField(
        _("hearing place or video link"), max_length=300, blank=True
    )
    hearing_report = models.TextField(_("hearing report (Awb 9:10)"), blank=True)
    hearing_waived_ground = models.CharField(_("hearing waived because"), max_length=40, blank=True)
    with_committee = models.BooleanField(_("advisory person or committee"), default=False)
    committee_name = models.CharField(_("advisory person or committee"), max_length=200, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions (Awb 9:11(2))"), default=0)
    findings = models.TextField(_("findings (Awb 9:12)"), blank=True)
    judgement = models.CharField(_("judgement"), max_length=20, blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    not_handled_ground = models.CharField(
        _("not handled because (Awb 9:8)"), max_length=40, blank=True
    )
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    closing_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("complaint details")
        verbose_name_plural = _("complaint details")

    def __str__(self) -> str:
        return f"{self.case_id}"


class ObjectionDetails(models.Model):
    """What only an objection has: the decision objected to (Awb 6:5)."""

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="objection"
    )
    decision_reference = models.CharField(_("decision reference"), max_length=80)
    decision_subject = models.CharField(_("decision subject"), max_length=200)
    decision_date = models.DateField(_("date the decision was made known"))
    decision_department = models.CharField(_("department that decided"), max_length=120, blank=True)
    grounds = models.TextField(_("grounds"), blank=True)
    pro_forma = models.BooleanField(_("pro forma (grounds follow)"), default=False)
    signed = models.BooleanField(_("signed"), default=False)
    costs_reimbursement_requested = models.BooleanField(
        _("costs reimbursement requested (Awb 7:15)"), default=False
    )

    # Filled in by the workflow (cases.workflows.objection), step by step.
    receipt_confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    posted_on = models.DateField(_("postmark date (Awb 6:9(2))"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    timeliness = models.TextField(_("timeliness (Awb 6:9-6:11)"), blank=True)
    excusable_reason = models.TextField(_("late but excusable because (Awb 6:11)"), blank=True)
    missing_elements = models.JSONField(_("missing (Awb 6:5)"), default=list, blank=True)
    repair_requested_on = models.DateField(_("repair requested on"), null=True, blank=True)
    repair_due = models.DateField(_("repair due"), null=True, blank=True)
    repaired_on = models.DateField(_("repaired on"), null=True, blank=True)
    repair_lapsed = models.BooleanField(_("repair term lapsed"), default=False)
    changed_decision_reference = models.CharField(
        _("changed primary decision"), max_length=80, blank=True
    )
    hearing_at = models.DateTimeField(_("hearing at"), null=True, blank=True)
    hearing_invited_on = models.DateField(_("invitation sent on"), null=True, blank=True)
    hearing_location = models.CharField(
        _("hearing place or video link"), max_length=300, blank=True
    )
    inspection_from = models.DateField(
        _("documents open for inspection from"), null=True, blank=True
    )
    inspection_place = models.CharField(_("place of inspection"), max_length=300, blank=True)
    hearing_report = models.TextField(_("hearing report"), blank=True)
    hearing_waived_ground = models.CharField(
        _("no hearing because (Awb 7:3)"), max_length=40, blank=True
    )
    with_committee = models.BooleanField(_("advisory committee (Awb 7:13)"), default=False)
    committee_name = models.CharField(_("advisory committee"), max_length=200, blank=True)
    committee_advice = models.TextField(_("committee advice"), blank=True)
    committee_recommendation = models.CharField(
        _("outcome the committee recommends"), max_length=20, blank=True
    )
    postponements = models.PositiveSmallIntegerField(_("postponements (Awb 7:10)"), default=0)
    outcome = models.CharField(_("outcome (Awb 7:11)"), max_length=20, blank=True)
    reasons = models.TextField(_("reasons (Awb 7:12)"), blank=True)
    costs = models.CharField(_("costs (Awb 7:15)"), max_length=20, blank=True)
    new_decision_reference = models.CharField(_("new decision"), max_length=80, blank=True)
    departs_from_advice_reasons = models.TextField(
        _("reasons to depart from the advice"), blank=True
    )
    draft_source = models.CharField(max_length=40, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comments = models.TextField(_("review comments"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The day the decision letter went out (e-mailed, or its print batch posted): the
    # last penalty day (Awb 4:17), not the day the decision was approved.
    decision_sent_on = models.DateField(_("decision sent on"), null=True, blank=True)
    closing_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("objection details")
        verbose_name_plural = _("objection details")

    def __str__(self) -> str:
        return self.decision_reference


class PartyRole(models.TextChoices):
    FILER = "filer", _("complainant or objector")
    REPRESENTATIVE = "representative", _("representative (gemachtigde)")
    INTERESTED_PARTY = "interested_party", _("interested third party (belanghebbende)")


class PartyType(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    POST = "post", _("post")


class ContactTime(models.TextChoices):
    MORNING = "morning", _("morning (9-12)")
    AFTERNOON = "afternoon", _("afternoon (12-17)")
    EVENING = "evening", _("evening (17-20)")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class Party(models.Model):
    """Someone taking part in a case: the complainant or objector, or a representative."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)
    party_type = models.CharField(_("type"), max_length=20, choices=PartyType.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.CharField(_("house number"), max_length=10, blank=True)
    house_number_addition = models.CharField(_("addition"), max_length=10, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NL")
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone (E.164)"), max_length=16, blank=True)
    preferred_channel = models.CharField(
        _("preferred contact channel"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.PHONE,
    )
    preferred_contact_times = models.JSONField(_("preferred contact times"), default=list)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.DUTCH
    )
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    needs_extra_care = models.BooleanField(_("needs extra care"), default=False)
    # Visible only to staff with view_care_note; never to the resident or integrations.
    care_note = models.TextField(_("extra-care note (staff only)"), blank=True)
    # Awb 2:14(1): letters go by e-mail only to someone who said they can be reached so.
    letters_by_email = models.BooleanField(_("letters by e-mail (Awb 2:14)"), default=False)
    # Letters in large print (14 pt) for residents who read small print with difficulty.
    large_print = models.BooleanField(_("letters in large print"), default=False)
    # The BSN, optional: encrypted at rest (backend.encryption), found by its keyed digest
    # (blind index), shown only to roles and scopes that need it (cases.privacy).
    bsn_encrypted = models.TextField(_("BSN (encrypted)"), blank=True, editable=False)
    bsn_index = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        indexes = [
            # One person's records by BSN (a data-subject request): the few that have one.
            models.Index(
                fields=["bsn_index"], condition=~models.Q(bsn_index=""), name="party_bsn_index"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(role="filer"),
                name="one_filer_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk}"

    @property
    def display_name(self) -> str:
        return self.organisation_name or self.name

    @property
    def bsn(self) -> str:
        """The BSN in the clear: callers show it only to whom ``cases.privacy`` allows."""
        return encryption.decrypt(self.bsn_encrypted)

    def bsn_set(self, value: str) -> None:
        self.bsn_encrypted = encryption.encrypt(value)
        self.bsn_index = encryption.blind_index(value)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is random: a resident's file name may contain personal data.
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"attachments/{instance.case.reference}/{instance.sha256[:16]}-{stamp}"


class Attachment(models.Model):
    """A file a party sent in with the case. Type and size limits are settings.

    Every file is scanned for viruses (``cases.antivirus``). One the scanner could not
    check when it came in waits in quarantine (``pending``) until the periodic scan; it is
    opened only once found clean (unless ``ATTACHMENT_SCAN_REQUIRED`` is off). One found
    infected later is never served again and its stored file is removed.
    """

    class ScanStatus(models.TextChoices):
        PENDING = "pending", _("waiting for the virus scan")
        CLEAN = "clean", _("scanned: nothing found")
        INFECTED = "infected", _("harmful content found: blocked")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    scan_status = models.CharField(
        _("virus scan"), max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING
    )
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    # The scanner's name for what it found (e.g. "Win.Trojan.Agent-123"); never content.
    scan_signature = models.CharField(_("found by the virus scanner"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            # The periodic scan looks for the few that wait, among many clean ones.
            models.Index(
                fields=["id"],
                condition=models.Q(scan_status="pending"),
                name="attachment_scan_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.reference}/{self.pk}"


class EventKind(models.TextChoices):
    FILED = "filed", _("filed")
    ASSIGNED = "assigned", _("assigned")
    CLAIMED = "claimed", _("claimed")
    RELEASED = "released", _("released")
    NOTE = "note", _("internal note")
    STATUS_CHANGED = "status_changed", _("status changed")
    UPDATED = "updated", _("updated")
    TRANSITION = "transition", _("workflow step")
    CONTACT = "contact", _("contact moment")
    SATISFACTION = "satisfaction", _("satisfaction rated")
    DEADLINE_STARTED = "deadline_started", _("term started")
    DEADLINE_EXTENDED = "deadline_extended", _("term extended")
    DEADLINE_SUSPENDED = "deadline_suspended", _("term suspended")
    DEADLINE_RESUMED = "deadline_resumed", _("term resumed")
    DEADLINE_MET = "deadline_met", _("term met")
    DEADLINE_CANCELLED = "deadline_cancelled", _("term cancelled")
    DEADLINE_WARNING = "deadline_warning", _("term ends soon: warning sent")
    DEADLINE_MISSED = "deadline_missed", _("term missed: escalated")


class AppendOnlyError(Exception):
    """History is added to, never changed."""


class CaseEvent(models.Model):
    """One entry in a case's timeline: who did what when, with before -> after."""

    # Found by case through case_event_timeline, which starts with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    # {"field": {"before": ..., "after": ...}} for changes; free data for other kinds.
    data = models.JSONField(_("data"), default=dict, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "occurred_at", "id"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Case events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN201
        raise AppendOnlyError("Case events cannot be deleted.")


class ContactOutcome(models.TextChoices):
    REACHED = "reached", _("reached")
    NO_ANSWER = "no_answer", _("no answer")
    VOICEMAIL = "voicemail", _("voicemail")
    WRONG_NUMBER = "wrong_number", _("wrong number")
    CALLBACK_REQUESTED = "callback_requested", _("call back requested")


class ContactMomentChannel(models.TextChoices):
    PHONE = "phone", _("phone")
    EMAIL = "email", _("e-mail")
    LETTER = "letter", _("letter")
    COUNTER = "counter", _("counter")
    VIDEO = "video", _("video call")


class ContactMoment(models.Model):
    """One attempt to reach the resident, or a conversation: phone first (seed, DESIGN 3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contact_moments")
    occurred_at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    channel = models.CharField(
        _("channel"), max_length=10, choices=ContactMomentChannel.choices, default="phone"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ContactOutcome.choices)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")

    def __str__(self) -> str:
        return f"{self.case_id} {self.occurred_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def daypart(self) -> str:
        hour = timezone.localtime(self.occurred_at).hour
        return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


class Satisfaction(models.Model):
    """The complainant's rating of the handling, once, after closing (service quality)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="satisfaction")
    rating = models.PositiveSmallIntegerField(_("rating (1-5)"))
    comment = models.TextField(_("comment"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.rating}"


class NoticeOfDefault(models.Model):
    """A written notice of default (ingebrekestelling) about a late objection decision
    (Awb 4:17 via 7:14). Whether it counts is computed: received after the term expired."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices_of_default")
    received_on = models.DateField(_("received on"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("notice of default")
        verbose_name_plural = _("notices of default")

    def __str__(self) -> str:
        return f"{self.case_id} {self.received_on}"


class NoPenaltyGround(models.TextChoices):
    """Why no penalty is owed although the decision was late (Awb 4:17(6))."""

    NOTICE_UNREASONABLY_LATE = "notice_unreasonably_late", _("notice of default unreasonably late")
    NOT_INTERESTED_PARTY = "not_interested_party", _("the objector is not an interested party")
    MANIFESTLY_INADMISSIBLE = "manifestly_inadmissible", _("manifestly inadmissible")
    MANIFESTLY_UNFOUNDED = "manifestly_unfounded", _("manifestly unfounded")


class PenaltyDecision(models.Model):
    """The decision fixing the penalty owed for a late objection decision (Awb 4:18).

    One per case; the figures are those computed when it was taken, kept as they were
    decided (the letter quotes them).
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="penalty_decision")
    notice = models.ForeignKey(NoticeOfDefault, on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField(_("first penalty day"))
    last_day = models.DateField(_("last penalty day"))
    days = models.PositiveSmallIntegerField(_("penalty days"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=8, decimal_places=2)
    pay_by = models.DateField(_("to be paid by"), null=True, blank=True)
    # Set when legal staff decide that no penalty is owed (then days and amount are 0).
    no_penalty_ground = models.CharField(
        _("no penalty because (Awb 4:17(6))"),
        max_length=40,
        choices=NoPenaltyGround.choices,
        blank=True,
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("penalty decision")
        verbose_name_plural = _("penalty decisions")

    def __str__(self) -> str:
        return f"{self.case_id} EUR {self.amount}"


class ReferenceCounter(models.Model):
    """The last number handed out per prefix and year; locked while a case is filed."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_prefix_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


class FilingKey(models.Model):
    """An ``Idempotency-Key`` a client sent with a filing, so a retry files nothing new.

    A form that times out and posts again, or a resident who clicks twice, gets the case
    that the first request made.
    """

    principal = models.CharField(max_length=80)  # "user:<id>" or "anonymous:<address hash>"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the request body
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="one_filing_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.principal}/{self.key}"


class TrackingLink(models.Model):
    """A resident's own way to follow their case without an account: an unguessable key
    (stored as its SHA-256 only), revocable, valid while the case is open and for
    ``TRACKING_DAYS_AFTER_CLOSING`` after it closed. It reaches this one case only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tracking_links")
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tracking link")
        verbose_name_plural = _("tracking links")
        constraints = [
            models.UniqueConstraint(fields=["key_hash"], name="tracking_link_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.key_hash[:8]}"

"""The register of processing activities and the processing log's records.

A record follows Logius' Logboek Dataverwerkingen: one processing action about one data
subject, with the trace and operation ids of W3C Trace Context, a name, a status, start
and end, and the attributes ``dpl.core.processing_activity_id`` (the activity in the
register, as a URI) and ``dpl.core.data_subject_id`` (never a BSN in the clear: its keyed
digest, or the party's id). Who acted is kept beside the standard's fields so that a
resident's copy can leave staff out. Records are added, never changed: a database trigger
refuses UPDATE and DELETE (``backend.append_only``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.processing_log.indexes import NAME as LOOKUP_INDEX
from backend.processing_log.indexes import WriteOptimisedIndex


class ProcessingActivity(models.Model):
    """One entry of the register of processing activities (AVG art. 30): what is done
    with personal data, on which legal basis, and how long it is kept. Apps add their
    activities by migration; administrators keep the texts current in the admin."""

    id = models.SlugField(_("identifier"), max_length=60, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.TextField(_("legal basis"))
    data_categories = models.TextField(_("categories of personal data"))
    retention = models.TextField(_("retention"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")

    def __str__(self) -> str:
        return self.name


class StatusCode(models.IntegerChoices):
    """LDV ``status_code``."""

    UNKNOWN = 0, "STATUS_CODE_UNKNOWN"
    OK = 1, "STATUS_CODE_OK"
    ERROR = 2, "STATUS_CODE_ERROR"


class SubjectType(models.TextChoices):
    # HMAC-SHA256 of the BSN under FIELD_INDEX_KEY (backend.encryption): the same person
    # across cases, without the number.
    BSN_DIGEST = "bsn-hmac-sha256", _("BSN (keyed digest)")
    # A party on one case, when no BSN is known.
    PARTY = "party", _("party")


class ActorType(models.TextChoices):
    USER = "user", _("user")  # a member of staff or a resident with an account
    CLIENT = "client", _("integration client")
    SYSTEM = "system", _("system task")
    ANONYMOUS = "anonymous", _("anonymous")  # a resident filing without an account


class ProcessingRecord(models.Model):
    trace_id = models.CharField(max_length=32)
    operation_id = models.CharField(max_length=16)
    parent_operation_id = models.CharField(max_length=16, blank=True)
    # The caller's operation when another party's system called (LDV foreign_operation).
    foreign_trace_id = models.CharField(max_length=32, blank=True)
    foreign_operation_id = models.CharField(max_length=16, blank=True)
    foreign_entity = models.CharField(max_length=200, blank=True)
    status_code = models.PositiveSmallIntegerField(choices=StatusCode.choices)
    name = models.CharField(max_length=120)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()
    # No constraint in the database: its check (a locking read of the activity per
    # record at commit) was a fifth of a queue page's log write. The id is checked
    # against the register when noted (``recorder.note``), and an activity is never
    # deleted (the admin refuses; the ORM still protects).
    activity = models.ForeignKey(
        ProcessingActivity,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    data_subject_id = models.CharField(max_length=64)
    data_subject_id_type = models.CharField(max_length=20, choices=SubjectType.choices)
    actor_type = models.CharField(max_length=12, choices=ActorType.choices)
    # A user's or client's primary key, or a task's name; never a name or e-mail address.
    actor_id = models.CharField(max_length=120, blank=True)
    # Further attributes in this service's own namespace (``casehandling.*``).
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        # By person and by trace: one index, cheap to write (``indexes``).
        indexes = [WriteOptimisedIndex(fields=["data_subject_id", "trace_id"], name=LOOKUP_INDEX)]
        verbose_name = _("processing record")
        verbose_name_plural = _("processing records")

    def __str__(self) -> str:
        return f"{self.name} {self.trace_id}/{self.operation_id}"

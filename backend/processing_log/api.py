"""The register of processing activities and the processing log, over the API.

- ``GET /processing-activities`` and ``/processing-activities/{id}``: the register (AVG
  art. 30) every record points to. Callers: anyone signed in (staff, residents); not
  integration clients' tokens (no scope).
- ``POST /processing-log/search`` with ``{"bsn": ...}``: every record about one person,
  found by their BSN's keyed digest (the number is sent in the body, never in an address
  that proxies log). Callers: legal staff (``processing_log.view_processingrecord``);
  the superuser too only if given that role. The search is itself logged.
Apps offer their own ways in (a case's parties) with ``records_page``.
"""

import re
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.pagination import PAGE_QUERY, chronological, page_schema
from backend.api.problems import InvalidParams, problem_responses
from backend.api.views import ServiceView
from backend.bsn import bsn_invalid_message, bsn_normalised
from backend.encryption import blind_index
from backend.processing_log import recorder
from backend.processing_log.models import (
    ProcessingActivity,
    ProcessingRecord,
    StatusCode,
    SubjectType,
)
from backend.processing_log.register import INSPECTION
from backend.processing_log.roles import VIEW_RECORDS

RESOURCE = {"service.name": "casehandling", "service.version": settings.API_VERSION}


def activity_uri(activity_id: str) -> str:
    path = reverse("processing-activity-detail", kwargs={"activity_id": activity_id})
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


_ACTIVITY_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def record_attributes(record: ProcessingRecord) -> dict[str, Any]:
    """A record's LDV attributes: the standard's ``dpl.core`` ones and this service's."""
    return {
        "dpl.core.processing_activity_id": activity_uri(record.activity_id),
        "dpl.core.data_subject_id": record.data_subject_id,
        "dpl.core.data_subject_id_type": record.data_subject_id_type,
        **record.attributes,
    }


class CanReadProcessingLog(BasePermission):
    message = _("Only legal staff read the processing log.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm(VIEW_RECORDS)


class ProcessingActivitySerializer(serializers.ModelSerializer):
    uri = serializers.SerializerMethodField(help_text="What records point to.")

    class Meta:
        model = ProcessingActivity
        fields = ["id", "uri", "name", "purpose", "legal_basis", "data_categories", "retention"]
        read_only_fields = fields

    def get_uri(self, activity: ProcessingActivity) -> str:
        return activity_uri(activity.pk)


_PAIR = inline_serializer(
    "KeyValue", {"key": serializers.CharField(), "value": serializers.CharField()}
)


class ProcessingRecordSerializer(serializers.Serializer):
    """A record in the shape of Logius' Logboek Dataverwerkingen; attributes are a list
    of key-value pairs so their names (``dpl.core.*``) pass unchanged."""

    trace_id = serializers.CharField()
    operation_id = serializers.CharField()
    parent_operation_id = serializers.CharField()
    foreign_operation = serializers.SerializerMethodField()
    status_code = serializers.SerializerMethodField()
    name = serializers.CharField()
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()
    resource = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField(
        help_text="Who acted: not one of the standard's fields; left out of a resident's copy."
    )

    @extend_schema(
        responses=inline_serializer(
            "ForeignOperation",
            {
                "trace_id": serializers.CharField(),
                "operation_id": serializers.CharField(),
                "entity": serializers.CharField(),
            },
        )
    )
    def get_foreign_operation(self, record: ProcessingRecord) -> dict[str, str] | None:
        if not record.foreign_trace_id:
            return None
        return {
            "trace_id": record.foreign_trace_id,
            "operation_id": record.foreign_operation_id,
            "entity": record.foreign_entity,
        }

    def get_status_code(self, record: ProcessingRecord) -> str:
        return StatusCode(record.status_code).label

    @extend_schema(responses=inline_serializer("Resource", {"attributes": _PAIR}))
    def get_resource(self, record: ProcessingRecord) -> dict[str, Any]:
        return {"attributes": [{"key": k, "value": v} for k, v in RESOURCE.items()]}

    @extend_schema(responses=_PAIR)
    def get_attributes(self, record: ProcessingRecord) -> list[dict[str, str]]:
        pairs = record_attributes(record)
        return [{"key": key, "value": str(value)} for key, value in pairs.items()]

    @extend_schema(
        responses=inline_serializer(
            "Actor", {"type": serializers.CharField(), "id": serializers.CharField()}
        )
    )
    def get_actor(self, record: ProcessingRecord) -> dict[str, str]:
        return {"type": record.actor_type, "id": record.actor_id}


RECORDS_PAGE = page_schema("ProcessingRecordPage", ProcessingRecordSerializer(many=True))


def records_about(subjects: list[recorder.Subject]) -> QuerySet[ProcessingRecord]:
    return ProcessingRecord.objects.filter(data_subject_id__in=[s.id for s in subjects])


def records_page(request: Request, subjects: list[recorder.Subject]) -> Response:
    """A page of the records about ``subjects``, oldest first; the reading is logged."""
    recorder.note(activity=INSPECTION["id"], subjects=subjects)
    rows, links = chronological("start_time").paginate(records_about(subjects), request)
    return Response({"results": ProcessingRecordSerializer(rows, many=True).data, **links})


class ProcessingActivityListView(ServiceView):
    """The register of processing activities. Callers: anyone signed in."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="processingActivityList",
        responses={
            200: inline_serializer(
                "ProcessingActivityList",
                {"results": ProcessingActivitySerializer(many=True)},
            ),
            **problem_responses(401, 403),
        },
        tags=["privacy"],
    )
    def get(self, request: Request) -> Response:
        activities = ProcessingActivity.objects.order_by("id")
        return Response({"results": ProcessingActivitySerializer(activities, many=True).data})


class ProcessingActivityDetailView(ServiceView):
    """One processing activity. Callers: anyone signed in."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="processingActivityRetrieve",
        responses={200: ProcessingActivitySerializer, **problem_responses(400, 401, 403, 404)},
        tags=["privacy"],
    )
    def get(self, request: Request, activity_id: str) -> Response:
        if not _ACTIVITY_ID.match(activity_id):
            reason = gettext("An activity id is lower-case words joined by hyphens.")
            raise InvalidParams([{"name": "activityId", "code": "invalid", "reason": reason}])
        activity = ProcessingActivity.objects.filter(pk=activity_id).first()
        if activity is None:
            raise NotFound(gettext("There is no processing activity with this id."))
        return Response(ProcessingActivitySerializer(activity).data)


class BsnSearchSerializer(serializers.Serializer):
    bsn = serializers.CharField(max_length=11, help_text="9 digits; spaces and dots allowed.")

    def validate_bsn(self, value: str) -> str:
        number = bsn_normalised(value)
        if not number:
            raise serializers.ValidationError(bsn_invalid_message())
        return number


class ProcessingLogSearchView(ServiceView):
    """Every record about the person with this BSN, oldest first. The next page: the
    same body to the ``next`` link. Callers: legal staff."""

    permission_classes = [IsAuthenticated, CanReadProcessingLog]

    @extend_schema(
        operation_id="processingLogSearch",
        parameters=[PAGE_QUERY],
        request=BsnSearchSerializer,
        responses={200: RECORDS_PAGE, **problem_responses(400, 401, 403)},
        tags=["privacy"],
    )
    def post(self, request: Request) -> Response:
        search = BsnSearchSerializer(data=request.data)
        search.is_valid(raise_exception=True)
        digest = blind_index(search.validated_data["bsn"])
        return records_page(request, [recorder.Subject(digest, SubjectType.BSN_DIGEST)])

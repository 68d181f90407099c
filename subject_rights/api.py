"""``POST /api/v1/personal-data-exports``: everything about one person as a ZIP.

Callers: legal staff (``cases.export_person``), who answer a resident's request for
their data (AVG art. 15); no other role, no superuser without the role, no integration
client. The person: ``{"bsn": ...}`` (every case with that BSN), or ``{"case": ...,
"party": ...}`` (that party, and everyone with its BSN). The BSN goes in the body, never
in an address. The export is itself in the processing log.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from backend.api.problems import problem_responses
from backend.api.views import ServiceView
from backend.bsn import bsn_invalid_message, bsn_normalised
from backend.encryption import blind_index
from backend.processing_log.recorder import note
from subject_rights.activities import SUBJECT_ACCESS
from subject_rights.export import (
    parties_for_bsn,
    parties_for_case_party,
    person_export,
    subjects_of,
)
from subject_rights.roles import EXPORT


class CanExportPersons(BasePermission):
    message = _("Only legal staff export a person's data.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm(EXPORT)


class PersonSerializer(serializers.Serializer):
    bsn = serializers.CharField(
        max_length=11, required=False, help_text="9 digits; spaces and dots allowed."
    )
    case = serializers.CharField(
        max_length=20, required=False, help_text="A case reference, with `party`."
    )
    party = serializers.IntegerField(
        required=False, min_value=1, help_text="The party's id on that case."
    )

    def validate_bsn(self, value: str) -> str:
        number = bsn_normalised(value)
        if not number:
            raise serializers.ValidationError(bsn_invalid_message())
        return number

    def validate(self, data: dict) -> dict:
        by_bsn = "bsn" in data
        by_party = "case" in data or "party" in data
        if by_bsn == by_party:
            raise serializers.ValidationError(
                {"bsn": gettext("Give either a BSN, or a case and a party on it.")}
            )
        if by_party and not ("case" in data and "party" in data):
            missing = "party" if "case" in data else "case"
            raise serializers.ValidationError(
                {missing: gettext("A case and a party on it go together.")}
            )
        return data


class PersonalDataExportView(ServiceView):
    permission_classes = [IsAuthenticated, CanExportPersons]

    @extend_schema(
        operation_id="personalDataExportCreate",
        request=PersonSerializer,
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The ZIP: per case zaak.json with attachments and letters, "
                "verwerkingen.json, LEESMIJ.txt and manifest.json.",
            ),
            **problem_responses(400, 401, 403, 404),
        },
        tags=["privacy"],
    )
    def post(self, request: Request) -> HttpResponse:
        person = PersonSerializer(data=request.data)
        person.is_valid(raise_exception=True)
        given = person.validated_data
        if "bsn" in given:
            parties = parties_for_bsn(blind_index(given["bsn"]))
        else:
            parties = parties_for_case_party(given["case"], given["party"])
        if not parties:
            raise NotFound(gettext("The service holds nothing about this person."))
        note(activity=SUBJECT_ACCESS["id"], subjects=subjects_of(parties))
        stamp = timezone.localdate().isoformat()
        response = HttpResponse(person_export(parties), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="persoonsgegevens-{stamp}.zip"'
        response["Cache-Control"] = "no-store"
        return response

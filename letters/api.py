"""Letter endpoints: a case's letters and their PDFs.

Callers: as for the case's personal data - handling staff, and the filer for their own
case (the letters are addressed to them).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api.problems import problem_responses
from cases.api.views import _data_flags, _visible_case
from cases.models import Case
from letters.context import language_for, letter_context
from letters.models import Letter
from letters.rendering import TEMPLATES, render


class LetterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Letter
        fields = [
            "id",
            "kind",
            "recipient",
            "language",
            "template_version",
            "created_at",
            "sha256",
            "size",
            "pages",
            "replaces",
        ]


def _letter_case(request: Request, reference: str) -> Case:
    case = _visible_case(request, reference)
    if not _data_flags(request.user, case)["personal_data"]:
        raise PermissionDenied("Your role cannot read letters (they hold personal data).")
    return case


class CaseLettersView(APIView):
    """The letters of a case, oldest first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseLetterList",
        responses={200: LetterSerializer(many=True), **problem_responses(400, 401, 403, 404)},
        tags=["letters"],
    )
    def get(self, request: Request, reference: str) -> Response:
        case = _letter_case(request, reference)
        return Response(LetterSerializer(case.letters.all(), many=True).data)


class PreviewQuery(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(TEMPLATES), help_text="The letter kind.")


class CanPreview(BasePermission):
    """Handling staff check a letter before it goes out."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.view_personal_data") and request.user.has_perm(
            "cases.view_queue"
        )


class LetterPreviewView(APIView):
    """Render a letter from the case as it is now, without storing or sending it.

    Callers: handling staff (handlers, legal staff, team leads).
    """

    permission_classes = [IsAuthenticated, CanPreview]

    @extend_schema(
        operation_id="caseLetterPreview",
        parameters=[PreviewQuery],
        responses={
            (200, "application/pdf"): OpenApiResponse(description="The letter, not stored."),
            **problem_responses(400, 401, 403, 404),
        },
        tags=["letters"],
    )
    def get(self, request: Request, reference: str) -> HttpResponse:
        case = _letter_case(request, reference)
        query = PreviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data["kind"]
        language = language_for(case)
        rendered = render(kind, language, letter_context(case, kind, language))
        response = HttpResponse(rendered.pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{case.reference}-{kind}-preview.pdf"'
        return response


class LetterDownloadView(APIView):
    """One letter as PDF/A."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="caseLetterDownload",
        responses={
            (200, "application/pdf"): OpenApiResponse(description="The letter (PDF/A-3a)."),
            **problem_responses(400, 401, 403, 404),
        },
        tags=["letters"],
    )
    def get(self, request: Request, reference: str, letter_id: int) -> FileResponse:
        case = _letter_case(request, reference)
        try:
            letter = case.letters.get(pk=letter_id)
        except ObjectDoesNotExist:
            raise NotFound("This case has no such letter.") from None
        return FileResponse(
            letter.file.open("rb"),
            as_attachment=True,
            filename=f"{case.reference}-{letter.kind}.pdf",
            content_type="application/pdf",
        )

"""The processing log about the people of one case: every record about each party
(across cases where the BSN is known), oldest first. Callers: legal staff who may see
the case (``processing_log.view_processingrecord``); the reading is itself logged."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from backend.api.pagination import PAGE_QUERY
from backend.api.problems import problem_responses
from backend.api.views import ServiceView
from backend.processing_log.api import RECORDS_PAGE, CanReadProcessingLog, records_page
from cases import scopes
from cases.api import access
from cases.processing import case_subjects


class CaseProcessingLogView(ServiceView):
    required_scopes = scopes.READ
    permission_classes = [IsAuthenticated, CanReadProcessingLog]

    @extend_schema(
        operation_id="caseProcessingLogList",
        parameters=[PAGE_QUERY],
        responses={200: RECORDS_PAGE, **problem_responses(400, 401, 403, 404)},
        tags=["privacy"],
    )
    def get(self, request: Request, reference: str) -> Response:
        case = access.visible_case(request, reference, noted=False)
        return records_page(request, case_subjects(case))

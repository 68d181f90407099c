"""Who may call which case endpoint. One class per rule; object visibility is a queryset."""

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from cases.tracking_links import may_issue_tracking_links


class CanFile(BasePermission):
    """Anyone may file through a form; a signed-in caller needs ``cases.file_case``."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return not user.is_authenticated or user.has_perm("cases.file_case")


class CanAssign(BasePermission):
    """Claim or release (handlers) or assign to anyone (team leads, administrators)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return user.has_perm("cases.claim_case") or user.has_perm("cases.assign_case")


class CanViewEvents(BasePermission):
    """The timeline holds internal notes: staff only."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.view_events")


class CanAddNote(BasePermission):
    """Internal notes are written by handling staff."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.user.has_perm("cases.add_note")


class CanIssueTrackingLinks(BasePermission):
    """Handling staff give a resident a new link (lost, or shared by mistake)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_issue_tracking_links(request.user)

"""The base of every API view of the service (a test holds every route to it).

What it adds to DRF's ``APIView``: a successful change's processing records are written
inside the change's own transaction, as the view returns
(``backend.processing_log.middleware.record_with_change``). The change and its record
commit together, in one commit instead of two (docs/design.md, decision 29).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework.views import APIView

from backend.processing_log.middleware import record_with_change


class ServiceView(APIView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return record_with_change(request, super().dispatch(request, *args, **kwargs))

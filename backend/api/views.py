"""The base of every API view of the service (a test holds every route to it).

What it adds to DRF's ``APIView``, for a view that may change something (not
``@read_only``):

- an answer of 400 or more saves nothing: the request's transaction is rolled back (the
  exception handler marks it for the errors it answers; this holds a view that returns
  an error itself to the same);
- a successful change's processing records are written inside the change's own
  transaction, as the view returns (``backend.processing_log.middleware
  .record_with_change``): the change and its record commit together, in one commit
  instead of two (docs/design.md, decision 29).
"""

from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from rest_framework.views import APIView

from backend.api.reads import is_read_only
from backend.processing_log.middleware import record_with_change


class ServiceView(APIView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().dispatch(request, *args, **kwargs)
        if is_read_only(self):
            return response
        if response.status_code >= 400:
            if connection.in_atomic_block:
                transaction.set_rollback(True)
            return response
        return record_with_change(request, response)

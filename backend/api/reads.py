"""API views that only read, served outside a transaction.

Every request runs in a transaction (``ATOMIC_REQUESTS``), so a write is all or nothing.
A read gains nothing from one here: at PostgreSQL's READ COMMITTED each statement sees
its own snapshot, inside a transaction or not. It costs two round trips (BEGIN and
COMMIT), about a tenth of a queue page's time on two busy cores. A view that declares
itself read-only with ``@read_only`` runs without them; it may define ``get`` only, so a
write cannot slip in later without a transaction (the decorator refuses the class). An
error in such a view marks no transaction for rollback: it has none of its own, and one
around it (a test's, a caller's) is not its to end.
"""

from typing import TypeVar

from django.db import transaction
from django.utils.decorators import method_decorator
from rest_framework.views import APIView

WRITES = ("post", "put", "patch", "delete")
View = TypeVar("View", bound=type[APIView])


def read_only(view: View) -> View:
    """Serve ``view`` without the request's transaction; it must only read."""
    writing = [name for name in WRITES if hasattr(view, name)]
    if writing:
        raise TypeError(f"{view.__name__} is not read-only: it defines {', '.join(writing)}")
    return method_decorator(transaction.non_atomic_requests, name="dispatch")(view)


def is_read_only(view: object) -> bool:
    """Whether ``view`` (an instance, as DRF passes it) is served without a transaction."""
    dispatch = getattr(type(view), "dispatch", None)
    return bool(getattr(dispatch, "_non_atomic_requests", ()))

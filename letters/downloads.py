"""A letter as the PDF a caller downloads (the API's and the tracking link's)."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext
from rest_framework.exceptions import NotFound

from letters.models import Letter


def letter_download(letters: QuerySet[Letter], letter_id: int) -> FileResponse:
    """The letter ``letter_id`` among ``letters`` (what this caller may see), or 404."""
    try:
        letter = letters.select_related("case").get(pk=letter_id)
    except ObjectDoesNotExist:
        raise NotFound(gettext("This case has no such letter.")) from None
    return FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=f"{letter.case.reference}-{letter.kind}.pdf",
        content_type="application/pdf",
    )

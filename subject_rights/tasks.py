"""Beat runs retention once a day (``RETENTION_DRY_RUN``: only list what is due)."""

from celery import shared_task
from django.conf import settings

from subject_rights.retention import retention_run


@shared_task(acks_late=True, ignore_result=False)
def retention_erase_due() -> dict[str, int]:
    run = retention_run(dry_run=settings.RETENTION_DRY_RUN)
    return {"due": len(run.due), "erased": run.erased}

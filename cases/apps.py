from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import grants_register
from backend.accounts.scopes import scope_register
from backend.metrics import register
from backend.outbox.consumers import consumer_register
from backend.processing_log.register import activity_register
from backend.webhooks.catalogue import event_types_register


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Complaints and objections")

    def ready(self) -> None:
        # The workflows are models; they can be imported once the registry is ready.
        from cases import checks, consumers, deadlines, metrics, public_events, roles, scopes  # noqa: F401 - checks register
        from cases.models import ClosingDay, DecreeDay
        from cases.processing import COMPLAINT_HANDLING, OBJECTION_HANDLING

        for signal in (post_save, post_delete):
            signal.connect(deadlines.legal_calendar_kept.changed, sender=DecreeDay)
            signal.connect(deadlines.closing_days_kept.changed, sender=ClosingDay)
        for kept in (deadlines.legal_calendar_kept, deadlines.closing_days_kept):
            post_migrate.connect(kept.reset)
        consumer_register(consumers.CASE_FILE)
        consumer_register(consumers.RECEIPTS)
        scope_register(*scopes.ALL)
        event_types_register(*public_events.PUBLIC)
        grants_register(roles.grants)
        register(metrics.collect)
        activity_register(COMPLAINT_HANDLING)
        activity_register(OBJECTION_HANDLING)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from workbench import checks  # noqa: F401 - registers the vendored-files check


class WorkbenchConfig(AppConfig):
    name = "workbench"
    verbose_name = _("Workbench")

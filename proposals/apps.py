from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals and micro-suggestions")

    def ready(self) -> None:
        from cppcc_portal.core import workdays

        from .services.handling import recompute_open_deadlines

        # The calendar belongs to the platform; the deadlines it moves belong to this app.
        workdays.on_calendar_change(recompute_open_deadlines)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Proposals and micro-suggestions")

    def ready(self) -> None:
        from cppcc_portal.core import ui, workdays

        from . import duty_sources, views
        from .services.handling import recompute_open_deadlines

        # The calendar belongs to the platform; the deadlines it moves belong to this app.
        workdays.on_calendar_change(recompute_open_deadlines)
        # The shared pages show this app's work without the directory importing it.
        ui.register_nav("micro_suggestion_mine", _("My micro-suggestions"), {"member"}, order=10)
        ui.register_nav("assignment_inbox", _("Handling inbox"), {"liaison"}, order=20)
        ui.register_nav("micro_suggestion_list", _("Micro-suggestions"), {"superuser", "staff", "leader"}, order=30)
        ui.register_nav("micro_suggestion_followed", _("Taken up"), {"leader"}, order=40)
        # proposals (提案)
        ui.register_nav("proposal_mine", _("My proposals"), {"member"}, order=50)
        ui.register_nav("proposal_list", _("Proposals"), {"superuser", "staff", "leader"}, order=60)
        ui.register_nav("proposal_review", _("Proposal review"), {"superuser", "staff"}, order=70)
        ui.register_nav("proposal_key_list", _("Key proposals"), {"superuser", "staff", "leader"}, order=80)
        ui.register_nav("proposal_supervised", _("Supervised proposals"), {"leader"}, order=90)
        ui.register_nav("proposal_statistics", _("Proposal statistics"), {"superuser", "staff", "leader"}, order=100)
        ui.register_home_section(views.home_section, order=10)
        duty_sources.register()  # what members did here lands in their duty record

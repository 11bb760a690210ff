from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Organisation and members")

    def ready(self) -> None:
        from cppcc_portal.core import ui

        # the duty record (members.duty): its sources are registered by the apps that see the actions
        ui.register_nav("duty_mine", _("My duty record"), {"member"}, order=200)
        ui.register_nav("duty_rankings", _("Duty rankings"), {"superuser", "staff", "leader"}, order=210)
        ui.register_nav("duty_rules", _("Assessment rules"), {"superuser", "staff"}, order=220)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultation and supervision")

    def ready(self) -> None:
        from cppcc_portal.core import ui

        from . import consultation_views, duty_sources, rules  # noqa: F401 - rules registers the permissions

        oversight = {"superuser", "staff", "leader"}
        ui.register_nav("consultation_mine", _("My meetings"), {"member"}, order=110)
        ui.register_nav("consultation_list", _("Consultations"), oversight | {"liaison"}, order=120)
        ui.register_nav("topic_list", _("Consultation topics"), {"superuser", "staff"}, order=130)
        ui.register_nav("result_list", _("Consultation results"), oversight, order=140)
        ui.register_nav("task_list", _("Supervision and research"), oversight, order=150)
        ui.register_nav("information_mine", _("My information"), {"member"}, order=160)
        ui.register_nav("information_list", _("Social-conditions information"), oversight, order=170)
        ui.register_nav("consultation_calendar", _("Calendar"), oversight | {"member", "liaison"}, order=180)
        ui.register_nav("consultation_statistics", _("Consultation statistics"), oversight, order=190)
        ui.register_nav("concern_list", _("Concerns from the public"), {"superuser", "staff", "member"}, order=195)
        ui.register_home_section(consultation_views.home_section, order=20)
        duty_sources.register()  # what members did here lands in their duty record

"""Template access to the registered navigation entries of the apps (cppcc_portal.core.ui)."""

from django import template

from .. import ui

register = template.Library()


@register.simple_tag(takes_context=True)
def app_nav(context):
    request = context.get("request")
    return ui.nav_entries(request.path if request else "", context.get("portal_roles"))

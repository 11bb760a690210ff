"""Template helpers of the portal's pages: the role-aware navigation, form field rendering
and small formatting filters."""

from django import forms, template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

# (url name, label, roles that see it; None = everyone signed in)
NAV_ITEMS = [
    ("home", _("Home"), None),
    ("committee_list", _("Committees"), {"superuser", "staff", "leader", "member", "liaison"}),
    ("member_list", _("Members"), {"superuser", "staff", "leader", "member"}),
    ("sector_list", _("Sectors"), {"superuser", "staff", "leader", "member"}),
    ("special_committee_list", _("Special committees"), {"superuser", "staff", "leader", "member"}),
    ("department_list", _("Departments"), {"superuser", "staff", "leader", "member", "liaison"}),
    ("liaison_list", _("Liaison officers"), {"superuser", "staff", "leader", "liaison"}),
    ("studio_list", _("Member studios"), {"superuser", "staff", "leader", "member"}),
    ("calendar", _("Working-day calendar"), None),
]


@register.simple_tag(takes_context=True)
def portal_nav(context):
    """The navigation items this user's roles call for, the current one marked."""
    request = context.get("request")
    roles = set(context.get("portal_roles") or [])
    path = request.path if request else ""
    items = []
    for name, label, wanted in NAV_ITEMS:
        if wanted is not None and not roles & wanted:
            continue
        url = reverse(name)
        current = path == url if url == "/" else path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return items


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multi_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple)


@register.filter
def is_textarea(field) -> bool:
    return isinstance(field.field.widget, forms.Textarea)


@register.filter
def is_file(field) -> bool:
    return isinstance(field.field.widget, forms.ClearableFileInput | forms.FileInput)


@register.filter
def indent(depth) -> str:
    """Tree indentation for committee lists."""
    try:
        depth = int(depth)
    except (TypeError, ValueError):
        return ""
    return "\u3000" * max(depth - 1, 0) + ("└ " if depth > 0 else "")


@register.filter
def dash(value):
    """An em dash for empty values, so a blank field reads as "not given" rather than missing."""
    if value is None or value == "" or value == []:
        return "—"
    return value

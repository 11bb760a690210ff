from django.conf import settings
from django.utils.translation import gettext as _

from .notifications import unread_count


def portal(request):
    """Portal name, the user's roles (for the navigation) and unread notification count."""
    from members.selectors import scope_for

    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None else None
    return {
        "portal_name": settings.PORTAL_NAME or _("CPPCC duty-performance portal"),
        "portal_roles": scope.roles if scope else [],
        "portal_scope": scope,
        "unread_notifications": unread_count(user) if user is not None else 0,
    }

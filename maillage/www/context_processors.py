from django.conf import settings
from django.utils.functional import SimpleLazyObject

from maillage.accounts import permissions
from maillage.directory.selectors import site_network
from maillage.needs.selectors import notifications_unread


def roles(request):
    """Booleans and counts the site header needs on every page; computed lazily, only when rendered."""
    user = getattr(request, "user", None)

    def can_animate():
        return permissions.is_platform_admin(user) or permissions.is_animator(user)

    def unread_notifications():
        if not (user and user.is_authenticated):
            return 0
        return notifications_unread(user).count()

    return {
        "nav_can_animate": can_animate,
        "nav_unread_notifications": unread_notifications,
        "account_pages": ACCOUNT_PAGES,
    }


# The pages under « Mon compte » (the header marks it current on each).
ACCOUNT_PAGES = ("account", "password_change", "account_delete", "preferences", "email_change")


def brand(request):
    """The identity the header wears (``site_network``), read once per page and only if rendered."""
    status = settings.MAILLAGE_LEGAL.get("accessibility_status")
    return {
        "brand_network": SimpleLazyObject(site_network),
        "accessibility_status": status if status in ("partial", "full") else "none",
    }

from maillage.accounts import permissions
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

    return {"nav_can_animate": can_animate, "nav_unread_notifications": unread_notifications}

from maillage.accounts import permissions


def roles(request):
    """Booleans the site header needs on every page; computed lazily, only when rendered."""
    user = getattr(request, "user", None)

    def can_animate():
        return permissions.is_platform_admin(user) or permissions.is_animator(user)

    return {"nav_can_animate": can_animate}

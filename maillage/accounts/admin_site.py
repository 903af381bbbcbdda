"""The admin site: the whole admin for platform administrators, her networks' objects for an animator.

Every ``ModelAdmin`` registered on the site is wrapped when it registers:

- one that declares ``network_path`` (the lookup from its model to ``Network``, ``"pk"`` for the
  network itself) is *network-scoped*: for anyone but a platform administrator, its rows, object
  pages, foreign-key choices, autocompletes and inlines hold only what reaches a network the
  user animates (``permissions.animated_scope``, the back-office's predicate); only the actions
  listed in ``animator_actions`` are open, on top of Django's model permissions; the form never
  carries a many-to-many field (saving one would drop the rows the animator cannot see), and
  ``animator_fields``, when set, is all of the form she sees and writes;
- any other is for platform administrators only: a new model stays closed until it is given a
  scope (``tests/accounts/test_permission_matrix.py`` lists every model's URLs for every role).
"""

from __future__ import annotations

from functools import cache

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin

from maillage.accounts import permissions


def _scoped(request) -> bool:
    return not permissions.is_platform_admin(request.user)


class _ScopedChoices:
    """Foreign keys to a network-scoped model offer (and accept) that model's scoped rows only."""

    def _scope_choices(self, db_field, request, kwargs):
        if "queryset" in kwargs or not _scoped(request):
            return
        related = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related, NetworkScopedAdmin):
            kwargs["queryset"] = related.get_queryset(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class NetworkScopedAdmin(_ScopedChoices):
    """Mixed in before a ModelAdmin that declares ``network_path`` (see the module's docstring)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not _scoped(request):
            return queryset
        return permissions.animated_scope(request.user, queryset, self.network_path)

    def _allows(self, request, action, obj=None) -> bool:
        if not _scoped(request):
            return True
        if action not in getattr(self, "animator_actions", ("view",)):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._allows(request, "view", obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._allows(request, "add")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allows(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allows(request, "delete", obj)

    def _animator_may_edit(self, name) -> bool:
        if name in {field.name for field in self.model._meta.many_to_many}:
            return False
        fields = getattr(self, "animator_fields", None)
        return fields is None or name in fields

    def _animator_part(self, field):
        """A fieldset entry (a name, or names on one line) without what an animator may not edit."""
        if isinstance(field, list | tuple):
            return [part for part in field if self._animator_may_edit(part)]
        return field if self._animator_may_edit(field) else None

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not _scoped(request):
            return fieldsets
        kept = []
        for name, options in fieldsets:
            fields = [part for part in map(self._animator_part, options["fields"]) if part]
            if fields:
                kept.append((name, {**options, "fields": fields}))
        return kept

    def get_prepopulated_fields(self, request, obj=None):
        prepopulated = super().get_prepopulated_fields(request, obj)
        if not _scoped(request):
            return prepopulated
        return {
            name: sources
            for name, sources in prepopulated.items()
            if self._animator_may_edit(name) and all(self._animator_may_edit(source) for source in sources)
        }

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if not _scoped(request):
            return inlines
        scopes = []
        for inline in inlines:
            related = self.admin_site._registry.get(inline.model)
            if isinstance(related, NetworkScopedAdmin):
                actions = tuple(getattr(related, "animator_actions", ("view",)))
                scopes.append(_scoped_inline(inline, related.network_path, actions))
            else:
                scopes.append(_closed_inline(inline))
        return scopes


class _ScopedInline(_ScopedChoices):
    """An inline whose model is network-scoped: its rows and actions follow that model's admin."""

    network_path: str
    animator_actions: tuple[str, ...]

    def get_queryset(self, request):
        return permissions.animated_scope(request.user, super().get_queryset(request), self.network_path)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and "view" in self.animator_actions

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and "add" in self.animator_actions

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and "change" in self.animator_actions

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and "delete" in self.animator_actions


class _ClosedInline:
    def has_view_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@cache
def _scoped_inline(inline: type[InlineModelAdmin], network_path: str, actions: tuple[str, ...]):
    attributes = {"network_path": network_path, "animator_actions": actions, "__module__": inline.__module__}
    return type(inline.__name__, (_ScopedInline, inline), attributes)


@cache
def _closed_inline(inline: type[InlineModelAdmin]):
    return type(inline.__name__, (_ClosedInline, inline), {"__module__": inline.__module__})


class PlatformAdminOnly:
    """Mixed in before every ModelAdmin without ``network_path``: platform administrators only."""

    def has_module_permission(self, request):
        return permissions.is_platform_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return permissions.is_platform_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return permissions.is_platform_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return permissions.is_platform_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_platform_admin(request.user) and super().has_delete_permission(request, obj)


def scoped_admin_class(admin_class: type[admin.ModelAdmin]) -> type[admin.ModelAdmin]:
    if issubclass(admin_class, NetworkScopedAdmin | PlatformAdminOnly):
        return admin_class
    mixin = NetworkScopedAdmin if getattr(admin_class, "network_path", None) else PlatformAdminOnly
    attributes = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
    return type(admin_class.__name__, (mixin, admin_class), attributes)


class MaillageAdminSite(admin.AdminSite):
    """Django's site, each ModelAdmin wrapped by ``scoped_admin_class`` as it registers."""

    def register(self, model_or_iterable, admin_class=None, **options):
        super().register(model_or_iterable, scoped_admin_class(admin_class or admin.ModelAdmin), **options)

"""The audit trail of a service call: changes are collected, then written in one insert."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import ChangeSource, Profile, ProfileChange
from maillage.profiles.signals import profile_changed

# ``field`` of a change that adds or removes a whole row: ``before``/``after`` hold the row.
WHOLE_ROW = "*"


def _jsonable(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


@dataclass
class ProfileDiff:
    """What a service changed, as the audit rows it wrote."""

    changes: list[ProfileChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def counts(self) -> Counter:
        """(object type, "added" | "removed" | "updated") → number of changes."""
        return Counter((change.object_type, change_kind(change)) for change in self.changes)


def change_kind(change: ProfileChange) -> str:
    if change.field != WHOLE_ROW:
        return "updated"
    return "added" if change.before is None else "removed"


class Journal:
    def __init__(self, profile: Profile, actor, source: str):
        if source not in ChangeSource.values:
            raise ProfileValidationError(
                "source",
                _("origine inconnue « %(source)s » (attendu : %(expected)s)")
                % {"source": source, "expected": ", ".join(ChangeSource.values)},
            )
        self.profile, self.actor, self.source = profile, actor, source
        self.at = timezone.now()
        self.rows: list[ProfileChange] = []

    def log(self, object_type: str, object_key: str, field: str, before, after) -> None:
        before, after = _jsonable(before), _jsonable(after)
        if before == after:
            return
        self.rows.append(
            ProfileChange(
                profile=self.profile,
                actor=self.actor,
                source=self.source,
                object_type=object_type,
                object_key=object_key[:200],
                field=field,
                before=before,
                after=after,
                at=self.at,
            )
        )

    def added(self, object_type: str, object_key: str, values: dict) -> None:
        self.log(object_type, object_key, WHOLE_ROW, None, values)

    def removed(self, object_type: str, object_key: str, values: dict) -> None:
        self.log(object_type, object_key, WHOLE_ROW, values, None)

    def save(self) -> ProfileDiff:
        ProfileChange.objects.bulk_create(self.rows)
        if self.rows:
            # Search follows profile edits after commit (docs/search.md): matching listens.
            profile_changed.send(sender=Profile, establishment_id=self.profile.establishment_id)
        return ProfileDiff(changes=list(self.rows))

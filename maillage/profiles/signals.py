"""What profiles announce to the layers above them, which import profiles (never the reverse)."""

from django.dispatch import Signal

# Sent by ``ProfileJournal.save`` when a service call wrote changes, inside its transaction;
# argument ``establishment_id``. The search index (``maillage.matching``) refreshes on commit.
profile_changed = Signal()

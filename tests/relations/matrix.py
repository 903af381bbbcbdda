"""Who sees a relation between a member of network A and an outside client, and its amount.

One table for every surface (selector, exports, API, supply graph page): each test module
builds its own world and checks its output against these expectations.
"""

from maillage.relations.models import Confidentiality

ROLES = (
    "visitor",
    "outsider",
    "member_a",
    "member_b",
    "animator_a",
    "animator_b",
    "supplier_user",
    "client_user",
    "admin",
)
LEVELS = Confidentiality.values
# role → levels at which it sees the relation.
SEES = {
    "visitor": {"public"},
    "outsider": {"public"},
    "member_a": {"public", "network"},
    "member_b": {"public"},
    "animator_a": {"public", "network", "animators"},
    "animator_b": {"public"},
    "supplier_user": set(LEVELS),
    "client_user": set(LEVELS),
    "admin": set(LEVELS),
}
# role → levels at which it sees the exact amount of a relation from a buyer's ledger.
SEES_AMOUNT = {
    "visitor": set(),
    "outsider": set(),
    "member_a": set(),
    "member_b": set(),
    "animator_a": {"public", "network", "animators"},
    "animator_b": set(),
    "supplier_user": set(LEVELS),
    "client_user": set(LEVELS),
    "admin": set(LEVELS),
}

"""Demo accounts: one network animator and two member users, with fixed demo passwords.

These passwords exist only here, for a laptop demo; no migration ever creates an account.
"""

from __future__ import annotations

from dataclasses import dataclass

from maillage.demo.services import AccountSpec, demo_account_ensure, demo_group_ensure
from maillage.directory.models import Network

ANIMATOR_GROUP = "Animation de réseau"
# What the admin opens to an animator, within her networks only (maillage/accounts/admin_site.py):
# her networks' settings, their establishments and organisations, memberships, the removal of
# an account's link, and the claims and invitations (decided and sent from the back-office).
# Animators and territory, users, the referential and every other model: platform administrators.
ANIMATOR_PERMISSIONS = [
    *[
        ("directory", f"{action}_{model}")
        for model in ("organisation", "establishment", "network")
        for action in ("view", "change")
    ],
    *[("directory", f"{action}_membership") for action in ("view", "add", "change", "delete")],
    ("directory", "view_establishmentuser"),
    ("directory", "delete_establishmentuser"),
    ("accounts", "view_claim"),
    ("accounts", "view_invitation"),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str  # shown in the command's output
    establishment_siret: str | None = None


def demo_logins(member_sirets: list[str]) -> list[DemoLogin]:
    return [
        DemoLogin("animatrice@demo.maillage.fr", "animatrice-demo", "animatrice du réseau (administration)"),
        DemoLogin("adherent1@demo.maillage.fr", "adherent-demo", "adhérent", member_sirets[0]),
        DemoLogin("adherent2@demo.maillage.fr", "adherent-demo", "adhérent", member_sirets[1]),
    ]


def demo_accounts_ensure(network: Network, member_sirets: list[str]) -> tuple[list[DemoLogin], int]:
    """The three demo accounts; returns them and how many needed a write."""
    group, written = demo_group_ensure(name=ANIMATOR_GROUP, permissions=ANIMATOR_PERMISSIONS)
    logins = demo_logins(member_sirets)
    animator, *members = logins
    written += demo_account_ensure(
        spec=AccountSpec(
            email=animator.email,
            password=animator.password,
            first_name="Claire",
            last_name="Animatrice",
            is_staff=True,
            animator_of=network,
            groups=[group],
        )
    )
    for number, login in enumerate(members, start=1):
        written += demo_account_ensure(
            spec=AccountSpec(
                email=login.email,
                password=login.password,
                first_name="Adhérent",
                last_name=str(number),
                establishment_siret=login.establishment_siret,
            )
        )
    return logins, written

"""Every role × every page and action of ``maillage/www/**/urls.py``: expected status codes.

The admin is here too (``ADMIN_MODELS``): every registered model's pages for every role; a model
registered, or an admin URL added, without a row fails ``test_every_admin_url_is_in_the_matrix``.

Roles: visitor, member user of ``own`` (a member of network A), animator of A, animator of B,
platform administrator. Objects: ``own``, ``peer`` (another member of A), ``elsewhere`` (a
member of B). "login" means a redirect to the login page. A URL added under ``maillage/www``
without a row here fails ``test_every_www_url_is_in_the_matrix``.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, resolve, reverse

import maillage.www
from maillage.accounts.models import Claim
from maillage.accounts.services import claim_create
from maillage.api.v1 import api
from maillage.directory.models import Contact
from maillage.imports.models import MappingReview
from maillage.matching.index import index_build, reader
from maillage.needs.models import NeedAttachment, NeedStatus, NeedVisibility
from maillage.profiles.models import Profile
from maillage.taxonomy.models import TaxonomyNode, TaxonomyProposal
from tests.accounts.admin_objects import admin_objects, autocomplete_source
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.needs.factories import NeedFactory, NeedRecipientFactory

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "animator_a", "animator_b", "admin"]
PUBLIC = dict.fromkeys(ROLES, 200)


def _by_role(visitor, member, animator_a, animator_b, admin):
    return dict(zip(ROLES, [visitor, member, animator_a, animator_b, admin], strict=True))


@dataclass
class Case:
    name: str  # "namespace:url_name"
    method: str
    path: str  # formatted with the world: {own}, {peer}, {elsewhere}, {own_siren}, {claim_a}, {claim_b}
    expected: dict[str, int | str]
    data: dict = field(default_factory=dict)
    label: str = ""

    @property
    def id(self):
        return f"{self.method} {self.name}{' ' + self.label if self.label else ''}"


EDIT = {
    "own": _by_role("login", 200, 200, 403, 200),
    "peer": _by_role("login", 403, 200, 403, 200),
    "elsewhere": _by_role("login", 403, 403, 200, 200),
}
EDIT_POST = {target: {r: 302 if c == 200 else c for r, c in codes.items()} for target, codes in EDIT.items()}
NETWORK_A = _by_role("login", 403, 200, 403, 200)
NETWORK_B = _by_role("login", 403, 403, 200, 200)
DECIDE_A = _by_role("login", 403, 302, 403, 302)
LOGGED_IN = _by_role("login", 200, 200, 200, 200)
PLATFORM_ADMIN = _by_role("login", 403, 403, 403, 200)
DESCRIPTION = {"action": "description", "description-description_fr": "Tôlerie fine et pliage de précision."}

CASES = [
    Case("home:home", "GET", "/", PUBLIC),
    Case("home:network_detail", "GET", "/reseaux/reseau-a/", PUBLIC),
    # A network without a logo: not found, whoever asks (with one: tests/www/test_branding.py).
    Case("home:network_logo", "GET", "/reseaux/reseau-a/logo/", dict.fromkeys(ROLES, 404)),
    Case("home:theme", "GET", "/theme.css", PUBLIC),
    # The footer's legal pages and the living style guide (issue 14).
    *[
        Case(f"legal:{name}", "GET", path, PUBLIC)
        for name, path in (
            ("notice", "/mentions-legales/"),
            ("privacy", "/donnees-personnelles/"),
            ("accessibility", "/accessibilite/"),
            ("contact", "/contact/"),
        )
    ],
    Case("styleguide:index", "GET", "/styleguide/", PLATFORM_ADMIN),
    Case("establishments:organisation", "GET", "/entreprises/{own_siren}/", PUBLIC),
    *[
        Case("establishments:detail", "GET", f"/etablissements/{{{t}}}/", PUBLIC, label=t)
        for t in ("own", "peer", "elsewhere")
    ],
    # An empty message is refused with the page shown again: the contact form is open to all.
    Case("establishments:contact", "POST", "/etablissements/{own}/contact/", PUBLIC),
    *[
        Case("profile_edit:edit", "GET", f"/mon-entreprise/{{{t}}}/profil/", EDIT[t], label=t)
        for t in ("own", "peer", "elsewhere")
    ],
    *[
        Case("profile_edit:edit", "POST", f"/mon-entreprise/{{{t}}}/profil/", EDIT_POST[t], DESCRIPTION, t)
        for t in ("own", "peer", "elsewhere")
    ],
    *[
        Case(
            "profile_edit:spec_fields",
            "GET",
            f"/mon-entreprise/{{{t}}}/profil/caracteristiques/",
            EDIT[t],
            label=t,
        )
        for t in ("own", "peer", "elsewhere")
    ],
    Case("profile_edit:taxonomy_suggest", "GET", "/mon-entreprise/taxonomie/?kind=capability&q=tol", PUBLIC),
    Case("accounts:login", "GET", "/compte/connexion/", _by_role(200, 302, 302, 302, 302)),
    Case("accounts:logout", "POST", "/compte/deconnexion/", dict.fromkeys(ROLES, 302)),
    Case(
        "accounts:language",
        "POST",
        "/compte/langue/",
        dict.fromkeys(ROLES, 302),
        {"language": "en", "next": "/"},
    ),
    Case("accounts:password_reset", "GET", "/compte/mot-de-passe/oubli/", PUBLIC),
    Case("accounts:password_reset_done", "GET", "/compte/mot-de-passe/oubli/envoye/", PUBLIC),
    Case("accounts:password_reset_confirm", "GET", "/compte/mot-de-passe/nouveau/MQ/abc-def/", PUBLIC),
    Case("accounts:password_reset_complete", "GET", "/compte/mot-de-passe/nouveau/termine/", PUBLIC),
    Case("accounts:invitation_accept", "GET", "/compte/invitation/pas-un-jeton/", dict.fromkeys(ROLES, 410)),
    # « Mon compte » and « Mon entreprise » (issue 15): one's own account and companies only.
    Case("accounts:account", "GET", "/compte/", LOGGED_IN),
    Case("accounts:account", "POST", "/compte/", _by_role("login", 302, 302, 302, 302), {"first_name": "A"}),
    Case("accounts:password_change", "GET", "/compte/mot-de-passe/", LOGGED_IN),
    Case("accounts:account_export", "GET", "/compte/mes-donnees.json", LOGGED_IN),
    Case("accounts:account_delete", "GET", "/compte/suppression/", LOGGED_IN),
    # Preferences and the e-mail change: one's own only; a wrong password is refused (400); a
    # confirmation link that is not one is gone (410), whoever follows it.
    Case("accounts:preferences", "GET", "/compte/preferences/", LOGGED_IN),
    Case(
        "accounts:preferences",
        "POST",
        "/compte/preferences/",
        _by_role("login", 302, 302, 302, 302),
        {"language": "fr", "wanted": ["need_received"]},
    ),
    Case("accounts:email_change", "GET", "/compte/adresse/", LOGGED_IN),
    Case(
        "accounts:email_change",
        "POST",
        "/compte/adresse/",
        _by_role("login", 400, 400, 400, 400),
        {"new_email": "nouvelle@example.org", "password": "pas-le-bon"},
    ),
    Case(
        "accounts:email_change_confirm",
        "GET",
        "/compte/adresse/confirmer/pas-un-jeton/",
        dict.fromkeys(ROLES, 410),
    ),
    # A wrong password: refused, the page shown again, nothing deleted.
    Case(
        "accounts:account_delete",
        "POST",
        "/compte/suppression/",
        _by_role("login", 400, 400, 400, 400),
        {"password": "pas-le-bon"},
        "wrong password",
    ),
    Case("profile_edit:mine", "GET", "/mon-entreprise/", LOGGED_IN),
    # Sign-up without an invitation (issue 15): visitors only; a bad link is gone for everyone.
    Case("accounts:signup", "GET", "/compte/inscription/", _by_role(200, 302, 302, 302, 302)),
    Case("accounts:signup_sent", "GET", "/compte/inscription/envoyee/", PUBLIC),
    Case(
        "accounts:signup_confirm",
        "GET",
        "/compte/inscription/confirmer/pas-un-jeton/",
        dict.fromkeys(ROLES, 410),
    ),
    # The company picker's suggestions: public names of active establishments only.
    Case("claims:companies", "GET", "/revendiquer/entreprises/?siret=entreprise", PUBLIC),
    # « Adhérer au réseau » (issue 15): open to all; an empty form is shown again (400).
    Case("join:join", "GET", "/reseaux/reseau-a/adherer/", PUBLIC),
    Case("join:join", "POST", "/reseaux/reseau-a/adherer/", dict.fromkeys(ROLES, 400), label="invalid"),
    Case("join:sent", "GET", "/reseaux/reseau-a/adherer/envoyee/", PUBLIC),
    *[
        Case("backoffice:join_requests", "GET", f"/animation/reseau-{n}/adhesions/", codes, label=n)
        for n, codes in (("a", NETWORK_A), ("b", NETWORK_B))
    ],
    Case(
        "backoffice:join_request_accept", "POST", "/animation/reseau-a/adhesions/{join_a}/accepter/", DECIDE_A
    ),
    Case(
        "backoffice:join_request_decline",
        "POST",
        "/animation/reseau-a/adhesions/{join_a}/refuser/",
        DECIDE_A,
        {"note": "Hors territoire."},
    ),
    # Another network's request through one's own network URL: not found, whoever asks.
    *[
        Case(
            f"backoffice:join_request_{name}",
            "POST",
            f"/animation/reseau-b/adhesions/{{join_a}}/{part}/",
            _by_role("login", 403, 403, 404, 404),
            {"note": "Hors territoire."},
            "cross-network",
        )
        for name, part in (("accept", "accepter"), ("decline", "refuser"))
    ],
    Case("claims:create", "GET", "/revendiquer/", LOGGED_IN),
    Case("claims:create", "POST", "/revendiquer/", LOGGED_IN, {"siret": "123"}, "invalid"),
    Case("backoffice:index", "GET", "/animation/", _by_role("login", 403, 302, 302, 200)),
    *[
        Case(f"backoffice:{name}", "GET", f"/animation/reseau-{n}/{part}/", codes, label=n)
        for name, part in (
            ("members", "membres"),
            ("invitations", "invitations"),
            ("claims", "revendications"),
        )
        for n, codes in (("a", NETWORK_A), ("b", NETWORK_B))
    ],
    Case(
        "backoffice:invitations",
        "POST",
        "/animation/reseau-a/invitations/",
        {r: 302 if c == 200 else c for r, c in NETWORK_A.items()},
        {"email": "x@example.org", "role": "member", "siret": "{peer}"},
        "a",
    ),  # fmt: skip
    Case(
        "backoffice:claim_approve", "POST", "/animation/reseau-a/revendications/{claim_a}/accepter/", DECIDE_A
    ),
    Case(
        "backoffice:claim_reject", "POST", "/animation/reseau-a/revendications/{claim_a}/refuser/", DECIDE_A
    ),
    # Another network's claim through one's own network URL: not found, whoever asks.
    Case(
        "backoffice:claim_approve",
        "POST",
        "/animation/reseau-b/revendications/{claim_a}/accepter/",
        _by_role("login", 403, 403, 404, 404),
        label="cross-network",
    ),  # fmt: skip
    Case(
        "backoffice:claim_reject",
        "POST",
        "/animation/reseau-b/revendications/{claim_a}/refuser/",
        _by_role("login", 403, 403, 404, 404),
        label="cross-network",
    ),  # fmt: skip
    # Back-office: import review queue, taxonomy additions, network settings (web-backoffice).
    *[
        Case(f"backoffice:{name}", "GET", f"/animation/reseau-{n}/{part}/", codes, label=n)
        for name, part in (("reviews", "rattachements"), ("taxonomy", "taxonomie"), ("settings", "reglages"))
        for n, codes in (("a", NETWORK_A), ("b", NETWORK_B))
    ],
    Case(
        "backoffice:review_decide",
        "POST",
        "/animation/reseau-a/rattachements/{review_a}/decider/",
        DECIDE_A,
        {"action": "dismiss"},
    ),
    Case(
        "backoffice:review_decide",
        "POST",
        "/animation/reseau-b/rattachements/{review_a}/decider/",
        _by_role("login", 403, 403, 404, 404),
        {"action": "dismiss"},
        "cross-network",
    ),
    # An unknown node: the page is shown again with the message, to those allowed.
    Case(
        "backoffice:taxonomy",
        "POST",
        "/animation/reseau-a/taxonomie/",
        NETWORK_A,
        {"form": "synonym", "kind": "capability", "q": "inconnu", "synonym": "x", "language": "fr"},
        "a",
    ),
    Case(
        "backoffice:settings",
        "POST",
        "/animation/reseau-a/reglages/",
        {r: 302 if c == 200 else c for r, c in NETWORK_A.items()},
        {
            "name": "Réseau A",
            "contact_email": "contact@reseau-a.example",
            "epcis": "",
            "departments": "",
            "communes": "",
        },
        "a",
    ),
    # The network's CRM (issue 15): its companies, their memberships and contacts, the export.
    Case("backoffice:member_add", "GET", "/animation/reseau-a/membres/ajouter/", NETWORK_A, label="a"),
    Case(
        "backoffice:member_add",
        "POST",
        "/animation/reseau-a/membres/ajouter/",
        {r: 302 if c == 200 else c for r, c in NETWORK_A.items()},
        {"company": "{unclaimed}", "status": "prospect"},
        "a",
    ),
    *[
        Case("backoffice:member", "GET", f"/animation/reseau-{n}/membres/{{{t}}}/", codes, label=f"{n} {t}")
        for n, t, codes in (("a", "peer", NETWORK_A), ("b", "elsewhere", NETWORK_B))
    ],
    # Another network's company through one's own network URL: not found, whoever asks.
    Case(
        "backoffice:member",
        "GET",
        "/animation/reseau-b/membres/{peer}/",
        _by_role("login", 403, 403, 404, 404),
        label="cross-network",
    ),
    Case(
        "backoffice:member",
        "POST",
        "/animation/reseau-a/membres/{peer}/",
        {r: 302 if c == 200 else c for r, c in NETWORK_A.items()},
        {"status": "member", "category": "PME"},
        "a",
    ),
    Case("backoffice:contact_add", "GET", "/animation/reseau-a/membres/{peer}/contacts/ajouter/", NETWORK_A),
    Case(
        "backoffice:contact_add",
        "POST",
        "/animation/reseau-a/membres/{peer}/contacts/ajouter/",
        {r: 302 if c == 200 else c for r, c in NETWORK_A.items()},
        {"last_name": "Roth", "role": "purchasing"},
    ),
    Case(
        "backoffice:contact_edit",
        "GET",
        "/animation/reseau-a/membres/{peer}/contacts/{contact_a}/",
        NETWORK_A,
    ),
    # A contact of network A through network B's URL: not found.
    Case(
        "backoffice:contact_edit",
        "GET",
        "/animation/reseau-b/membres/{peer}/contacts/{contact_a}/",
        _by_role("login", 403, 403, 404, 404),
        label="cross-network",
    ),
    Case(
        "backoffice:contact_remove",
        "POST",
        "/animation/reseau-a/membres/{peer}/contacts/{contact_a}/supprimer/",
        DECIDE_A,
    ),
    *[
        Case(
            "backoffice:members",
            "GET",
            f"/animation/reseau-a/membres/?format={fmt}",
            NETWORK_A,
            label=f"a {fmt}",
        )
        for fmt in ("csv", "xlsx")
    ],
    # Dues and the members list's bulk actions (issue 15).
    *[
        Case(f"backoffice:{name}", "GET", f"/animation/reseau-{n}/{part}", codes, label=n)
        for name, part in (("dues", "cotisations/"), ("dues_call", "cotisations/2026/appeler/"))
        for n, codes in (("a", NETWORK_A), ("b", NETWORK_B))
    ],
    Case(
        "backoffice:dues",
        "POST",
        "/animation/reseau-a/cotisations/",
        DECIDE_A,
        {"annee": "2026", "basis": "category", "default_amount": "300", "late_after_days": "60"},
        "a",
    ),
    Case(
        "backoffice:dues_call", "POST", "/animation/reseau-a/cotisations/2026/appeler/", DECIDE_A, label="a"
    ),
    Case(
        "backoffice:members_bulk",
        "POST",
        "/animation/reseau-a/membres/actions/",
        _by_role("login", 403, 200, 403, 200),
        {"action": "statut", "status": "member", "year": "2026", "ids": "{peer_membership}"},
        "confirmation",
    ),
    Case(
        "backoffice:members_bulk",
        "POST",
        "/animation/reseau-a/membres/actions/",
        DECIDE_A,
        {"action": "relance", "year": "2026", "ids": "{peer_membership}", "confirmed": "True"},
        "confirmed",
    ),
    *[
        Case(
            f"backoffice:member_dues_{name}",
            "POST",
            f"/animation/reseau-{n}/membres/{{{t}}}/cotisations/2026/{part}/",
            codes,
            data,
            f"{n} {t}",
        )
        for name, part, data in (
            ("payment", "reglement", {"paid_on": "2026-01-15", "reference": "VIR 1"}),
            ("remind", "relance", {}),
            ("correct", "correction", {"action": "waive", "reason": "Membre d’honneur"}),
        )
        for n, t, codes in (
            ("a", "peer", DECIDE_A),
            ("b", "elsewhere", _by_role("login", 403, 403, 302, 302)),
            ("b", "peer", _by_role("login", 403, 403, 404, 404)),
        )
    ],
    Case(
        "backoffice:branding",
        "POST",
        "/animation/reseau-a/reglages/identite/",
        {r: 302 if c == 200 else c for r, c in NETWORK_A.items()},
        {"accent_colour": "#0b5c7a"},
        "a",
    ),
    Case(
        "backoffice:branding",
        "POST",
        "/animation/reseau-b/reglages/identite/",
        {r: 302 if c == 200 else c for r, c in NETWORK_B.items()},
        {"accent_colour": "#0b5c7a"},
        "b",
    ),
    Case("backoffice:taxonomy_proposals", "GET", "/animation/propositions-taxonomie/", PLATFORM_ADMIN),
    # The animator's journal (issue 15): {journal_a} is an entry of network A on its member's
    # company, with a follow-up. Another network's entry or company through one's own network
    # URL: not found. Members never see the journal (no member-side page shows it yet).
    *[
        Case(f"backoffice:{name}", "GET", f"/animation/reseau-{n}/journal/{part}", codes, label=n)
        for name, part in (("journal", ""), ("journal", "?format=csv"), ("journal_new", "nouvelle-entree/"))
        for n, codes in (("a", NETWORK_A), ("b", NETWORK_B))
    ],
    Case(
        "backoffice:journal_new",
        "POST",
        "/animation/reseau-a/journal/nouvelle-entree/",
        NETWORK_A,
        {"kind": "visit"},
        "invalid",
    ),
    Case(
        "backoffice:journal_new",
        "POST",
        "/animation/reseau-a/journal/nouvelle-entree/",
        {r: 302 if c == 200 else c for r, c in NETWORK_A.items()},
        {
            "establishment": "{own_pk}",
            "occurred_on": "2026-12-01",
            "kind": "call",
            "confidentiality": "animators",
        },
        "a",
    ),
    Case("backoffice:journal_edit", "GET", "/animation/reseau-a/journal/{journal_a}/modifier/", NETWORK_A),
    Case(
        "backoffice:journal_edit",
        "POST",
        "/animation/reseau-a/journal/{journal_a}/modifier/",
        {r: 302 if c == 200 else c for r, c in NETWORK_A.items()},
        {
            "establishment": "{own_pk}",
            "occurred_on": "2026-12-01",
            "kind": "call",
            "confidentiality": "animators",
        },
    ),
    Case("backoffice:journal_delete", "POST", "/animation/reseau-a/journal/{journal_a}/supprimer/", DECIDE_A),
    Case(
        "backoffice:journal_follow_up", "POST", "/animation/reseau-a/journal/{journal_a}/relance/", DECIDE_A
    ),
    Case("backoffice:journal_company", "GET", "/animation/reseau-a/journal/entreprise/{own}/", NETWORK_A),
    Case(
        "backoffice:journal_contacts",
        "GET",
        "/animation/reseau-a/journal/contacts/?establishment={own_pk}",
        NETWORK_A,
    ),
    *[
        Case(
            f"backoffice:{name}",
            method,
            f"/animation/reseau-b/journal/{part}",
            _by_role("login", 403, 403, 404, 404),
            label="cross-network",
        )
        for name, method, part in (
            ("journal_edit", "GET", "{journal_a}/modifier/"),
            ("journal_edit", "POST", "{journal_a}/modifier/"),
            ("journal_delete", "POST", "{journal_a}/supprimer/"),
            ("journal_follow_up", "POST", "{journal_a}/relance/"),
            ("journal_company", "GET", "entreprise/{own}/"),
        )
    ],
    *[
        Case(
            f"backoffice:taxonomy_proposal_{name}",
            "POST",
            f"/animation/propositions-taxonomie/{{proposal}}/{part}/",
            {r: 302 if c == 200 else c for r, c in PLATFORM_ADMIN.items()},
        )
        for name, part in (("accept", "accepter"), ("reject", "refuser"))
    ],
    Case("search:search", "GET", "/recherche/", PUBLIC),
    # The API's pages for people (issue 14): public, in the site's layout.
    Case("api-home", "GET", "/api/v1/", PUBLIC),
    Case("api-v1:openapi-view", "GET", "/api/v1/docs", PUBLIC),
    # Autocomplete (web-search): public taxonomy, communes and establishment names only.
    Case("search:suggestions", "GET", "/recherche/suggestions/?champ=q&q=fonderie", PUBLIC),
    # Export: members, animators and admins only (an empty search is refused before the index).
    Case(
        "search:search",
        "GET",
        "/recherche/?format=csv",
        _by_role("login", 400, 400, 400, 400),
        label="export",
    ),
    # Needs (issue 6): {need_own} is the member's draft, {need_peer} an open members-only need of
    # network A sent to the member's company and to network B's, {need_private} an open
    # chosen-companies need of network A (chosen: network B's company), with an attachment.
    Case("needs:list", "GET", "/besoins/", PUBLIC),
    Case("needs:create", "GET", "/besoins/nouveau/", LOGGED_IN),
    Case("needs:create", "POST", "/besoins/nouveau/", LOGGED_IN, {"title": ""}, "invalid"),
    Case("needs:inbox", "GET", "/besoins/recus/", LOGGED_IN),
    Case("needs:notifications", "GET", "/besoins/notifications/", LOGGED_IN),
    Case(
        "needs:notifications_read",
        "POST",
        "/besoins/notifications/lues/",
        _by_role("login", 302, 302, 302, 302),
    ),
    Case("needs:figures", "GET", "/besoins/reseau/reseau-a/chiffres/", NETWORK_A, label="a"),
    Case("needs:figures", "GET", "/besoins/reseau/reseau-b/chiffres/", NETWORK_B, label="b"),
    Case("needs:detail", "GET", "/besoins/{need_own}/", _by_role("login", 200, 200, 403, 200), label="draft"),
    Case(
        "needs:detail", "GET", "/besoins/{need_peer}/", _by_role("login", 200, 200, 403, 200), label="members"
    ),
    Case(
        "needs:detail",
        "GET",
        "/besoins/{need_private}/",
        _by_role("login", 403, 200, 403, 200),
        label="private",
    ),
    Case(
        "needs:edit",
        "GET",
        "/besoins/{need_own}/modifier/",
        _by_role("login", 200, 403, 403, 403),
        label="own",
    ),
    Case(
        "needs:edit",
        "GET",
        "/besoins/{need_peer}/modifier/",
        _by_role("login", 403, 403, 403, 403),
        label="peer",
    ),
    Case("needs:open", "POST", "/besoins/{need_own}/ouvrir/", _by_role("login", 302, 302, 403, 302)),
    Case(
        "needs:open",
        "POST",
        "/besoins/{need_private}/ouvrir/",
        _by_role("login", 403, 302, 403, 302),
        label="private",
    ),
    Case(
        "needs:close",
        "POST",
        "/besoins/{need_own}/clore/",
        _by_role("login", 302, 302, 403, 302),
        {"closing": "cancelled"},
    ),  # fmt: skip
    Case(
        "needs:outcome",
        "POST",
        "/besoins/{need_peer}/bilan/",
        _by_role("login", 403, 302, 403, 302),
        {"awarded": "no"},
    ),  # fmt: skip
    Case(
        "needs:answer",
        "POST",
        "/besoins/{need_peer}/repondre/",
        _by_role("login", 302, 403, 403, 403),
        {"answer": "interested"},
    ),  # fmt: skip
    Case(
        "needs:answer",
        "POST",
        "/besoins/{need_private}/repondre/",
        _by_role("login", 403, 403, 403, 403),
        {"answer": "interested"},
        "private",
    ),  # fmt: skip
    Case(
        "needs:attachment",
        "GET",
        "/besoins/{need_private}/pieces/{need_attachment}/",
        _by_role("login", 403, 200, 403, 200),
    ),  # fmt: skip
    # Another need's attachment through this need's URL: not found.
    Case(
        "needs:attachment",
        "GET",
        "/besoins/{need_peer}/pieces/{need_attachment}/",
        _by_role("login", 404, 404, 403, 404),
        label="cross-need",
    ),  # fmt: skip
    Case("needs:consortium", "GET", "/besoins/{need_own}/groupement/", _by_role("login", 200, 200, 403, 200)),
    Case(
        "needs:consortium",
        "GET",
        "/besoins/{need_private}/groupement/",
        _by_role("login", 403, 200, 403, 200),
        label="private",
    ),  # fmt: skip
    Case(
        "needs:consortium_invite",
        "POST",
        "/besoins/{need_own}/groupement/inviter/",
        _by_role("login", 302, 403, 403, 403),
        {"sirets": "{peer}"},
    ),  # fmt: skip
    # Supply relations (issue 7): {relation_<level>} links network A's peer to an establishment in no
    # network, one per confidentiality level; not visible means not found. {relation_answer} was
    # declared by the peer as supplier of the member's company, which alone confirms or disputes.
    Case("relations:list", "GET", "/relations/", PUBLIC),
    # Declaring needs an establishment one acts for (the member's own), or member companies to
    # declare for: the animators' (each network has current members) and the admin's.
    Case("relations:declare", "GET", "/relations/declarer/", LOGGED_IN),
    Case(
        "relations:declare",
        "POST",
        "/relations/declarer/",
        LOGGED_IN,
        {"side": "supplier"},
        "invalid",
    ),
    *[
        Case("relations:list", "GET", f"/relations/?format={fmt}", PUBLIC, label=fmt)
        for fmt in ("csv", "xlsx")
    ],
    *[
        Case("relations:detail", "GET", f"/relations/{{relation_{level}}}/", codes, label=level)
        for level, codes in (
            ("public", PUBLIC),
            ("network", _by_role(404, 200, 200, 404, 200)),
            ("animators", _by_role(404, 404, 200, 404, 200)),
            ("parties", _by_role(404, 404, 404, 404, 200)),
        )
    ],
    Case(
        "relations:confirm",
        "POST",
        "/relations/{relation_answer}/confirmer/",
        _by_role("login", 302, 403, 404, 403),
    ),
    Case(
        "relations:dispute",
        "POST",
        "/relations/{relation_answer}/contester/",
        _by_role("login", 302, 403, 404, 403),
        {"comment": "Pas notre fournisseur"},
    ),  # fmt: skip
    *[
        Case(f"relations:{name}", "GET", f"/relations/{part}/reseau-{n}/{query}", codes, label=f"{n}{query}")
        for name, part, query in (
            ("leakage", "fuite", ""),
            ("leakage", "fuite", "?format=pdf"),
            ("leakage", "fuite", "?format=xlsx"),
            ("match_reviews", "rapprochements", ""),
        )
        for n, codes in (("a", NETWORK_A), ("b", NETWORK_B))
    ],
    Case("relations:match_decide", "POST", "/relations/rapprochements/reseau-a/{match_a}/decider/", DECIDE_A),
    Case(
        "relations:match_decide",
        "POST",
        "/relations/rapprochements/reseau-b/{match_a}/decider/",
        _by_role("login", 403, 403, 404, 404),
        label="cross-network",
    ),  # fmt: skip
    # Back-office imports from the browser (issue 15): the network's uploads, their dry run,
    # progress, wet run and rejects; another network's upload through one's own URL: not found.
    *[
        Case("backoffice:imports", "GET", f"/animation/reseau-{n}/imports/", codes, label=n)
        for n, codes in (("a", NETWORK_A), ("b", NETWORK_B))
    ],
    Case("backoffice:imports", "POST", "/animation/reseau-a/imports/", NETWORK_A, {"kind": "decp"}, "a"),
    *[
        Case(f"backoffice:{name}", "GET", f"/animation/reseau-a/imports/{{upload_a}}/{part}", NETWORK_A)
        for name, part in (
            ("import_detail", ""),
            ("import_progress", "progression/"),
            ("import_rejects", "rejets.csv"),
            ("import_report", "bilan.csv?essai=1"),
        )
    ],
    Case("backoffice:import_start", "POST", "/animation/reseau-a/imports/{upload_a}/importer/", DECIDE_A),
    *[
        Case(
            f"backoffice:{name}",
            method,
            f"/animation/reseau-b/imports/{{upload_a}}/{part}",
            _by_role("login", 403, 403, 404, 404),
            label="cross-network",
        )
        for name, method, part in (
            ("import_detail", "GET", ""),
            ("import_progress", "GET", "progression/"),
            ("import_rejects", "GET", "rejets.csv"),
            ("import_report", "GET", "bilan.csv?essai=1"),
            ("import_start", "POST", "importer/"),
        )
    ],
    # Supply graph (issue 7): open to all, each role gets the relations it may see; asking for a
    # level the role sees none of is a 400 (the filter only offers the levels it sees).
    Case("supply_graph:graph", "GET", "/qui-travaille-pour-qui/", PUBLIC),
    Case("supply_graph:data", "GET", "/qui-travaille-pour-qui/donnees.json", PUBLIC),
    *[
        Case(
            "supply_graph:data",
            "GET",
            f"/qui-travaille-pour-qui/donnees.json?confidentialite={level}",
            codes,
            label=level,
        )
        for level, codes in (
            ("public", PUBLIC),
            ("network", _by_role(400, 200, 200, 400, 200)),
            ("animators", _by_role(400, 400, 200, 400, 200)),
            ("parties", _by_role(400, 400, 400, 400, 200)),
        )
    ],
    # The network's e-mails to its contacts (issue 15): {mailing_a} is a message of network A.
    *[
        Case(f"backoffice:{name}", "GET", f"/animation/reseau-{n}/messages/{part}", codes, label=n)
        for name, part in (("mailings", ""), ("mailing_compose", "ecrire/?statut=member"))
        for n, codes in (("a", NETWORK_A), ("b", NETWORK_B))
    ],
    Case(
        "backoffice:mailing_compose",
        "POST",
        "/animation/reseau-a/messages/ecrire/",
        NETWORK_A,
        {"subject": "Objet", "body": "Texte", "action": "preview"},
        "a preview",
    ),
    Case("backoffice:mailing", "GET", "/animation/reseau-a/messages/{mailing_a}/", NETWORK_A, label="a"),
    Case(
        "backoffice:mailing",
        "GET",
        "/animation/reseau-b/messages/{mailing_a}/",
        _by_role("login", 403, 403, 404, 404),
        label="cross-network",
    ),
    # Unsubscribing needs no login, only the signed link; a tampered link is not found.
    Case("mailings:unsubscribe", "GET", "/desabonnement/{unsubscribe_a}/", PUBLIC),
    Case("mailings:unsubscribe", "POST", "/desabonnement/{unsubscribe_a}/", PUBLIC),
    Case(
        "mailings:unsubscribe", "GET", "/desabonnement/pas-un-jeton/", dict.fromkeys(ROLES, 404), label="bad"
    ),
    # Attendance and certificates of events (issue 16): the network's animators and the event's
    # organisers; another network's event through one's own URL is not found, for everyone.
    *[
        Case(f"events:{name}", "GET", f"/animation/reseau-a/evenements/{{training_a}}/{part}", NETWORK_A)
        for name, part in (
            ("checkin", "pointage/"),
            ("signing", "emargement/{session_a}/"),
            ("sheet_pdf", "emargement/{session_a}.pdf"),
            ("certificates", "attestations/"),
            ("certificate_pdf", "attestations/{certificate_a}.pdf"),
        )
    ],
    *[
        Case(
            f"events:{name}", "POST", f"/animation/reseau-a/evenements/{{training_a}}/{part}", DECIDE_A, data
        )
        for name, part, data in (
            ("checkin_toggle", "pointage/{session_a}/{registration_a}/", {"present": "1"}),
            (
                "checkin_bulk",
                "pointage/marquer/",
                {"inscriptions": "{registration_a}", "seances": "{session_a}"},
            ),
            (
                "signing",
                "emargement/{session_a}/",
                {"signataire": "{registration_a}", "signature": "M1 1 L9 9"},
            ),
            ("certificates", "attestations/", {"kind": "attendance"}),
            ("certificate_send", "attestations/{certificate_a}/envoyer/", {}),
        )
    ],
    *[
        Case(
            f"events:{name}",
            method,
            f"/animation/reseau-b/evenements/{{training_a}}/{part}",
            _by_role("login", 403, 403, 404, 404),
            label="cross-network",
        )
        for name, method, part in (
            ("checkin", "GET", "pointage/"),
            ("checkin_toggle", "POST", "pointage/{session_a}/{registration_a}/"),
            ("signing", "GET", "emargement/{session_a}/"),
            ("sheet_pdf", "GET", "emargement/{session_a}.pdf"),
            ("certificate_pdf", "GET", "attestations/{certificate_a}.pdf"),
        )
    ],  # fmt: skip
    # The signing tablet's link: the one sheet, for whoever holds it, no account (events/kiosk.py).
    Case("events:kiosk_signing", "GET", "/emargement/{kiosk_a}/", PUBLIC),
    Case("events:kiosk_signing", "GET", "/emargement/pas-un-jeton/", dict.fromkeys(ROLES, 404), label="bad"),
    # The public check of a certificate and the holder's own PDF (the registration's secret).
    Case("events:certificate_check", "GET", "/attestations/{certificate_code}/", PUBLIC),
    Case(
        "events:certificate_check",
        "GET",
        "/attestations/pas-un-code/",
        dict.fromkeys(ROLES, 404),
        label="bad",
    ),
    Case(
        "events:registration_certificate", "GET", "/inscriptions/{registration_token}/attestation.pdf", PUBLIC
    ),
    Case(
        "events:registration_certificate",
        "GET",
        "/inscriptions/pas-un-jeton/attestation.pdf",
        dict.fromkeys(ROLES, 404),
        label="bad",
    ),  # fmt: skip
    # Event registrations (issue 16): the public form of a public event of A ({event_a}) and of a
    # members-only one ({members_a}: not found by outsiders); an empty form is refused (400).
    Case("events:register", "GET", "/reseaux/reseau-a/agenda/{event_a}/inscription/", PUBLIC),
    Case(
        "events:register",
        "GET",
        "/reseaux/reseau-a/agenda/{members_a}/inscription/",
        _by_role(404, 200, 200, 404, 200),
        label="members only",
    ),
    Case(
        "events:register",
        "POST",
        "/reseaux/reseau-a/agenda/{event_a}/inscription/",
        dict.fromkeys(ROLES, 400),
    ),
    Case("events:registered", "GET", "/reseaux/reseau-a/agenda/{event_a}/inscription/resultat/", PUBLIC),
    # The self-service link needs no login, only its secret; a wrong one is not found.
    Case("events:registration", "GET", "/inscriptions/{registration_token_a}/", PUBLIC),
    Case(
        "events:registration",
        "POST",
        "/inscriptions/{registration_token_a}/",
        dict.fromkeys(ROLES, 400),
        {"action": "replace"},
    ),
    Case("events:registration", "GET", "/inscriptions/pas-un-jeton/", dict.fromkeys(ROLES, 404), label="bad"),
    # The organiser's list: the network's animators (and the event's organisers, tests/events).
    *[
        Case(f"events:{name}", "GET", f"/animation/reseau-a/evenements/{{event_a}}/{tail}", NETWORK_A)
        for name, tail in (("registrations", "inscriptions/"), ("registrations_csv", "inscriptions.csv"))
    ],
    Case(
        "events:registrations",
        "POST",
        "/animation/reseau-a/evenements/{event_a}/inscriptions/",
        _by_role("login", 403, 400, 403, 400),
        {"action": "add"},
    ),
    *[
        Case(
            f"events:{name}",
            "GET",
            f"/animation/reseau-b/evenements/{{event_a}}/{tail}",
            _by_role("login", 403, 403, 404, 404),
            label="cross-network",
        )
        for name, tail in (("registrations", "inscriptions/"), ("registrations_csv", "inscriptions.csv"))
    ],
    # Calendar feeds (issue 16): the network's feed is public (members-only events follow the
    # role, tests/events/test_feeds.py); a person's feed needs its token only, a bad or revoked
    # one is not found; « Mon agenda personnel » is one's own.
    Case("events:network_feed", "GET", "/reseaux/reseau-a/agenda.ics", PUBLIC),
    Case("events:network_feed", "GET", "/reseaux/inconnu/agenda.ics", dict.fromkeys(ROLES, 404), label="bad"),
    Case("events:person_feed", "GET", "/agenda/{feed_token}.ics", PUBLIC),
    Case(
        "events:person_feed", "GET", "/agenda/{feed_revoked}.ics", dict.fromkeys(ROLES, 404), label="revoked"
    ),
    Case("events:feed_settings", "GET", "/compte/agenda/", LOGGED_IN),
    Case(
        "events:feed_settings",
        "POST",
        "/compte/agenda/",
        _by_role("login", 302, 302, 302, 302),
        {"action": "create"},
    ),
]


# The events calendar and the back-office's event pages (issue 16). {event_a}: a published public
# event of network A; {members_a}: members-only; {draft_a}: a draft; {event_b}: network B's.
# Members-only and drafts are not found (404) by those who may not see them; an event asked
# under another network's URL is not found either.
NOT_FOUND = dict.fromkeys(ROLES, 404)
MEMBERS_EVENT = _by_role(404, 200, 200, 404, 200)
DRAFT_EVENT = _by_role(404, 404, 200, 404, 200)
CROSS_NETWORK = _by_role("login", 403, 403, 404, 404)
EVENT_FORM = {
    "action": "save", "title": "Atelier lean", "kind": "workshop", "audience": "public", "offer_hours": "48",
    "sessions-TOTAL_FORMS": "1", "sessions-INITIAL_FORMS": "0", "sessions-0-day": "2027-03-02",
    "sessions-0-start": "09:00", "sessions-0-end": "12:30", "questions-TOTAL_FORMS": "0",
    "questions-INITIAL_FORMS": "0", "topics-TOTAL_FORMS": "0", "topics-INITIAL_FORMS": "0",
}  # fmt: skip
EVENTS_A = "/animation/reseau-a/evenements/"
CASES += [
    Case("events:calendar", "GET", "/reseaux/reseau-a/agenda/", PUBLIC),
    Case(
        "events:calendar", "GET", "/reseaux/reseau-a/agenda/?type=visit&adherents=on", PUBLIC, label="filter"
    ),
    Case("events:calendar_month", "GET", "/reseaux/reseau-a/agenda/2027/03/", PUBLIC),
    Case("events:calendar_month", "GET", "/reseaux/reseau-a/agenda/2027/13/", NOT_FOUND, label="bad month"),
    *(
        Case(name, "GET", f"/reseaux/reseau-a/agenda/{{{key}}}{suffix}", codes, label=key)
        for name, suffix in (("events:event", "/"), ("events:event_ics", ".ics"))
        for key, codes in (
            ("event_a", PUBLIC),
            ("members_a", MEMBERS_EVENT),
            ("draft_a", DRAFT_EVENT),
            ("event_b", NOT_FOUND),
        )
    ),
    Case("events:manage", "GET", EVENTS_A, NETWORK_A, label="a"),
    Case("events:manage", "GET", "/animation/reseau-b/evenements/?liste=brouillons", NETWORK_B, label="b"),
    Case("events:manage_new", "GET", EVENTS_A + "nouveau/", NETWORK_A),
    Case("events:manage_new", "POST", EVENTS_A + "nouveau/", DECIDE_A, EVENT_FORM),
    Case(
        "events:manage_new", "POST", EVENTS_A + "nouveau/", NETWORK_A, EVENT_FORM | {"action": "day"}, "day"
    ),
    Case("events:manage_edit", "GET", EVENTS_A + "{event_a}/modifier/", NETWORK_A),
    Case("events:manage_edit", "POST", EVENTS_A + "{draft_a}/modifier/", DECIDE_A, EVENT_FORM),
    Case(
        "events:manage_edit",
        "GET",
        "/animation/reseau-b/evenements/{event_a}/modifier/",
        CROSS_NETWORK,
        label="b",
    ),
    Case("events:manage_publish", "POST", EVENTS_A + "{draft_a}/publier/", DECIDE_A),
    Case("events:manage_cancel", "POST", EVENTS_A + "{event_a}/annuler/", NETWORK_A),
    Case(
        "events:manage_cancel",
        "POST",
        EVENTS_A + "{event_a}/annuler/",
        DECIDE_A,
        {"confirme": "1"},
        "confirmed",
    ),
    Case(
        "events:manage_cancel",
        "POST",
        "/animation/reseau-b/evenements/{event_a}/annuler/",
        CROSS_NETWORK,
        {"confirme": "1"},
        "b",
    ),
]


def _format(value, values):
    return value.format(**values) if isinstance(value, str) else value


def _backoffice_values(world) -> dict:
    """A pending import review of network A's ``peer`` and a pending taxonomy proposal."""
    node = TaxonomyNode.objects.create(
        code="proc.matrix", type="process", label_fr="Matrice", label_en="Matrix"
    )
    review = MappingReview.objects.create(
        column="capabilities", node_type="capability", raw_text="BE", normalised_text="be",
        establishment=world["peer"], proposals=[{"code": "proc.matrix", "score": 0.7}],
    )  # fmt: skip
    proposal = TaxonomyProposal.objects.create(
        kind="synonym", network=world["a"], node=node, synonym="matrice"
    )
    contact = Contact.objects.create(
        network=world["a"], establishment=world["peer"], last_name="Roth", email="achats@roth.example"
    )
    return {
        "review_a": review.pk,
        "proposal": proposal.pk,
        "contact_a": contact.pk,
        "peer_membership": world["peer"].memberships.get(network=world["a"]).pk,
        "unclaimed": world["unclaimed"].siret,
    }


@pytest.fixture
def need_values(world, settings, tmp_path) -> dict:
    """Three needs of network A (see the needs rows of CASES) and an attachment of the private one."""
    settings.MEDIA_ROOT = tmp_path / "media"
    peer_user = EstablishmentUserFactory(establishment=world["peer"]).user
    own = NeedFactory(network=world["a"], author=world["member"], author_establishment=world["own"])
    peer = NeedFactory(
        network=world["a"], author=peer_user, author_establishment=world["peer"], status=NeedStatus.OPEN
    )
    private = NeedFactory(
        network=world["a"], author=peer_user, author_establishment=world["peer"], status=NeedStatus.OPEN,
        visibility=NeedVisibility.CHOSEN,
    )  # fmt: skip
    private.chosen_establishments.add(world["elsewhere"])
    for establishment in (world["own"], world["elsewhere"]):
        NeedRecipientFactory(need=peer, establishment=establishment)
    NeedRecipientFactory(need=private, establishment=world["elsewhere"])
    attachment = NeedAttachment(
        need=private, name="plan.pdf", file_type="pdf", size=9, sha256="0" * 64, uploaded_by=peer_user
    )
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return {
        "need_own": own.pk,
        "need_peer": peer.pk,
        "need_private": private.pk,
        "need_attachment": attachment.pk,
    }


def _relation_values(world) -> dict:
    """Relations of network A's peer, one per confidentiality level; a review of network A."""
    from maillage.relations.models import SupplierMatchReview, SupplyRelation

    relations = {
        f"relation_{level}": SupplyRelation.objects.create(
            supplier=world["peer"], client=world["unclaimed"], source="ledger", confidentiality=level,
            amount=1000, status="confirmed",
        ).pk
        for level in ("public", "network", "animators", "parties")
    }  # fmt: skip
    answer = SupplyRelation.objects.create(
        supplier=world["peer"], client=world["own"], source="supplier", confidentiality="network"
    )
    review = SupplierMatchReview.objects.create(normalised_name="x", raw_name="X", network=world["a"])
    return {**relations, "relation_answer": answer.pk, "match_a": review.pk}


def _mailing_values(world) -> dict:
    """A message of network A to its peer's contact, and that contact's unsubscribe token."""
    from maillage.mailings.models import Mailing
    from maillage.mailings.tokens import unsubscribe_token

    mailing = Mailing.objects.create(network=world["a"], subject="Assemblée générale", body="Texte")
    token = unsubscribe_token(network_id=world["a"].pk, email="achats@roth.example")
    return {"mailing_a": mailing.pk, "unsubscribe_a": token}


def _journal_values(world) -> dict:
    """An entry of network A on its member's company, with a follow-up (see the journal rows)."""
    from maillage.journal.models import JournalEntry

    entry = JournalEntry.objects.create(
        network=world["a"], establishment=world["own"], occurred_on=date(2026, 12, 1), kind="visit",
        notes="Note des animateurs", follow_up_on=date(2026, 12, 15),
    )  # fmt: skip
    return {"journal_a": entry.pk, "own_pk": world["own"].pk}


def _event_values(world) -> dict:
    """Events of network A (public, members-only, draft) and one of network B (the events rows)."""
    from tests.events.factories import EventFactory

    events = {
        "event_a": EventFactory(network=world["a"]),
        "members_a": EventFactory(network=world["a"], audience="members"),
        "draft_a": EventFactory(network=world["a"], status="draft"),
        "event_b": EventFactory(network=world["b"]),
    }
    return {key: event.slug for key, event in events.items()}


def _import_values(world) -> dict:
    """A file of network A imported from the back-office, its dry run made (see the imports rows)."""
    from maillage.imports.models import ImportUpload
    from maillage.imports.uploads import rejects_path

    upload = ImportUpload.objects.create(
        network=world["a"], kind="profiles", file="imports/reseau-a/x/adherents.csv",
        file_name="adherents.csv", total=1, dry_report={"read": 1, "rejected": {}},
    )  # fmt: skip
    path = rejects_path(upload, dry=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("line,siret,column,reason,detail\n", encoding="utf-8")
    return {"upload_a": upload.pk}


def _event_registration_values(world, event_slug: str) -> dict:
    """A registration to the public event of network A (its self-service link)."""
    from maillage.events.models import Event
    from tests.events.factories import RegistrationFactory

    registration = RegistrationFactory(event=Event.objects.get(network=world["a"], slug=event_slug))
    return {"registration_token_a": registration.token}


def _join_values(world) -> dict:
    """A pending « Adhérer au réseau » request of the unclaimed company to network A."""
    from maillage.accounts.models import JoinRequest

    join = JoinRequest.objects.create(
        network=world["a"], establishment=world["unclaimed"], first_name="Luc", last_name="Weber",
        role="direction", email="luc@weber.example", motivation="Rencontrer les voisins.",
    )  # fmt: skip
    return {"join_a": join.pk}


def _attendance_values(world) -> dict:
    """A training of network A running now, a confirmed registration present at its session,
    with a certificate (see the attendance rows)."""
    import datetime

    from django.utils import timezone

    from maillage.events import attendance, certificates
    from maillage.events.kiosk import kiosk_token
    from tests.events.factories import EventFactory, RegistrationFactory

    start = timezone.now() - datetime.timedelta(minutes=10)
    event = EventFactory(
        network=world["a"], slug="formation-a", sessions=[(start, start + datetime.timedelta(hours=3))]
    )
    registration = RegistrationFactory(event=event, establishment=world["own"])
    session = event.sessions.get()
    attendance.check_in(registration, session, None)
    certificate = certificates.issue(registration, "completion", None)
    return {
        "training_a": event.slug, "session_a": session.pk, "registration_a": registration.pk,
        "certificate_a": certificate.pk, "certificate_code": certificate.verification_code,
        "registration_token": registration.token, "kiosk_a": kiosk_token(session),
    }  # fmt: skip


def _feed_values(world) -> dict:
    """The member's live private-feed token, and a revoked one."""
    from maillage.events.feeds import feed_token_create, feed_token_revoke

    revoked = feed_token_create(world["member"]).token
    live = feed_token_create(world["member"]).token  # renewal: the first one is revoked
    feed_token_revoke(feed_token_create(world["other_member"]).token)
    return {"feed_token": live, "feed_revoked": revoked}


@pytest.fixture
def values(world, need_values):
    claim_a = claim_create(user=UserFactory(), siret=world["peer"].siret)
    claim_b = claim_create(user=UserFactory(), siret=world["elsewhere"].siret)
    return {
        "own": world["own"].siret, "peer": world["peer"].siret, "elsewhere": world["elsewhere"].siret,
        "own_siren": world["own"].organisation.siren, "claim_a": claim_a.pk, "claim_b": claim_b.pk,
        **_backoffice_values(world), **need_values, **_relation_values(world), **_journal_values(world),
        **_import_values(world),
        **_join_values(world),
        **_mailing_values(world),
        **(events := _event_values(world)),
        **_attendance_values(world),
        **_event_registration_values(world, events["event_a"]),
        **_feed_values(world),
    }  # fmt: skip


def _user(world, role):
    return None if role == "visitor" else world[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_matrix(client, world, values, case, role):
    user = _user(world, role)
    if user is not None:
        client.force_login(user)
    path = _format(case.path, values)
    data = {key: _format(value, values) for key, value in case.data.items()}
    response = client.get(path) if case.method == "GET" else client.post(path, data)
    expected = case.expected[role]
    if expected == "login":
        assert response.status_code == 302, f"{case.id} as {role}: {response.status_code}"
        assert response["Location"].startswith("/compte/connexion/?next="), response["Location"]
    else:
        assert response.status_code == expected, f"{case.id} as {role}: {response.status_code}"
        if response.status_code == 302:
            assert not response["Location"].startswith("/compte/connexion/")


MEMBERS_ONLY = {
    "own": _by_role(False, True, True, False, True),
    "peer": _by_role(False, True, True, False, True),
    "elsewhere": _by_role(False, False, False, True, True),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", list(MEMBERS_ONLY))
def test_members_only_fields_follow_the_role(client, world, role, target):
    user = _user(world, role)
    if user is not None:
        client.force_login(user)
    response = client.get(f"/etablissements/{world[target].siret}/")
    assert response.context["members_only"] is MEMBERS_ONLY[target][role]
    assert response.context["can_edit"] is (EDIT[target][role] == 200)


@pytest.mark.parametrize("role", ["member", "animator_b"])
def test_refused_claim_decisions_change_nothing(client, world, values, role):
    client.force_login(world[role])
    client.post(f"/animation/reseau-a/revendications/{values['claim_a']}/accepter/")
    client.post(f"/animation/reseau-b/revendications/{values['claim_a']}/refuser/")
    assert Claim.objects.get(pk=values["claim_a"]).status == Claim.Status.PENDING


def test_refused_profile_edit_writes_nothing(client, world):
    client.force_login(world["member"])
    text = DESCRIPTION["description-description_fr"]
    for target in ("peer", "elsewhere", "own"):
        client.post(f"/mon-entreprise/{world[target].siret}/profil/", DESCRIPTION)
    written = set(Profile.objects.filter(description_fr=text).values_list("establishment__siret", flat=True))
    assert written == {world["own"].siret}


def _www_url_names() -> set[str]:
    names = set()
    for urls in sorted(Path(maillage.www.__file__).parent.glob("**/urls.py")):
        module = importlib.import_module(
            ".".join(urls.relative_to(Path(maillage.www.__file__).parent.parent.parent).with_suffix("").parts)
        )
        namespace = getattr(module, "app_name", "")
        stack = list(module.urlpatterns)
        while stack:
            pattern = stack.pop()
            if isinstance(pattern, URLResolver):
                stack.extend(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_www_url_is_in_the_matrix():
    missing = _www_url_names() - {case.name for case in CASES}
    assert not missing, f"add these URLs to CASES in {Path(__file__).name}: {sorted(missing)}"


API_ROUTES = {
    "openapi-json": "/api/v1/openapi.json",
    "search": "/api/v1/search?q=fonderie",
}
# Routes whose answer depends on who asks, each with its own role matrix elsewhere.
PER_USER_API_ROUTES = {"relations": "tests/relations/test_api.py"}
# Pages for people, rows of CASES: the site's header follows the role, their content does not.
# ninja's own root ("api-root", a 404) is answered by the landing page "api-home" at its path.
API_PAGES = {"api-root": "/api/v1/", "openapi-view": "/api/v1/docs"}


def _api_route_names() -> set[str]:
    names, stack = set(), list(api.urls[0])
    while stack:
        pattern = stack.pop()
        if isinstance(pattern, URLResolver):
            stack.extend(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_api_route_is_in_the_matrix():
    for route, matrix in PER_USER_API_ROUTES.items():
        assert f"/api/v1/{route}" in (settings.BASE_DIR / matrix).read_text(), f"{matrix} must test {route}"
    missing = _api_route_names() - set(API_ROUTES) - set(PER_USER_API_ROUTES) - set(API_PAGES)
    assert not missing, f"add these API routes to API_ROUTES in {Path(__file__).name}: {sorted(missing)}"
    assert resolve("/api/v1/").url_name == "api-home"
    assert set(API_PAGES.values()) <= {case.path for case in CASES}, "every API page needs rows in CASES"


@pytest.mark.parametrize("route", sorted(API_PAGES))
def test_api_pages_show_the_same_content_whoever_asks(client, world, route):
    answers = set()
    for role in ROLES:
        client.logout()
        if _user(world, role) is not None:
            client.force_login(_user(world, role))
        response = client.get(API_PAGES[route])
        main = re.search(r"<main\b.*?</main>", response.content.decode(), re.S).group(0)
        answers.add((response.status_code, main))
    assert len(answers) == 1, f"{route}: the page's content depends on the role"


@pytest.fixture
def search_index(world, settings, tmp_path):
    # An index of this world, so that the search route answers with results, not 503.
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    index_build()
    yield
    reader.reset()


@pytest.mark.parametrize("route", sorted(API_ROUTES))
def test_api_answers_the_same_whoever_asks(client, world, search_index, route):
    """The API serves public fields only: who asks must not change the answer."""
    if route == "search":
        response = client.get(API_ROUTES[route])
        assert response.status_code == 200 and "Fonderie Roth" in response.content.decode()
    answers = set()
    for role in ROLES:
        client.logout()
        if _user(world, role) is not None:
            client.force_login(_user(world, role))
        response = client.get(API_ROUTES[route])
        answers.add((response.status_code, response.content))
    assert len(answers) == 1, f"{route}: the answer depends on the role"


# The admin (issue 12): every registered model's changelist, add, change, delete, history and
# autocomplete pages, for every role. The animators are staff holding EVERY permission: the
# scope shown is the site's own (maillage/accounts/admin_site.py), whatever the groups grant.
# For each model, what a platform administrator may do, then what an animator may do on her own
# network's objects ("": platform administrators only): v view (list, page, history,
# autocomplete), a add, d delete. Another network's object is "not found" (a redirect to the
# admin's index, as for a missing id). Visitors and member users go to the admin's login.
ADMIN_MODELS = {
    "accounts.claim": ("vd", "v"),
    "accounts.invitation": ("vd", "v"),
    "accounts.user": ("vad", ""),
    "auth.group": ("vad", ""),
    "directory.establishment": ("vad", "v"),
    "directory.establishmentuser": ("vad", "vd"),
    "directory.membership": ("vad", "vad"),
    "directory.network": ("vad", "v"),
    "directory.organisation": ("vad", "v"),
    "imports.importrun": ("vd", ""),
    "imports.mappingdecision": ("vad", ""),
    "imports.mappingreview": ("vd", ""),
    "journal.journalentry": ("vd", ""),
    "needs.need": ("vad", ""),
    "needs.needdelivery": ("vad", ""),
    "needs.networkneedsettings": ("vad", ""),
    "needs.notification": ("vad", ""),
    "profiles.profile": ("vad", ""),
    "profiles.profilechange": ("v", ""),
    **{
        f"referential.{name}": ("v", "")
        for name in (
            "commune",
            "cpvcode",
            "department",
            "epci",
            "headcountband",
            "legalcategory",
            "nafcode",
            "postalcode",
            "region",
            "romecode",
        )
    },  # fmt: skip
    "relations.purchaseline": ("vd", ""),
    "relations.suppliermatchreview": ("vd", ""),
    "relations.supplyrelation": ("vd", ""),
    "taxonomy.nafcapabilityhint": ("v", ""),
    "taxonomy.taxonomynode": ("vad", ""),
    "taxonomy.taxonomyproposal": ("vd", ""),
    "taxonomy.taxonomyversion": ("v", ""),
}
ADMIN_PAGES = ("changelist", "add", "change", "delete", "history", "autocomplete")
ADMIN_PAGE_NAMES = {"auth_user_password_change"}  # the User's password page, "password" below
# Pages of the site itself, not of a model: the index is checked below, the others are
# Django's own (login, password change, translations catalogue, "view on site" shortcut).
ADMIN_SITE_PAGES = {"index", "login", "logout", "password_change", "password_change_done", "jsi18n"}
ADMIN_SITE_PAGES |= {"view_on_site", "app_list", "autocomplete"}


def _admin_expected(label, page, role, target):
    if role in ("visitor", "member"):
        return "login"
    admin_can, animator_can = ADMIN_MODELS[label]
    needed = {"add": "a", "delete": "d"}.get(page, "v")
    can = admin_can if role == "admin" else animator_can
    if needed not in can:
        return 403
    if role != "admin" and page in ("change", "delete", "history", "password") and target != role[-1]:
        return "not found"
    return 200


def _admin_pages(label, model, targets):
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    yield "changelist", None, reverse(f"{prefix}_changelist")
    yield "add", None, reverse(f"{prefix}_add")
    for target, obj in targets.items():
        for page in ("change", "delete", "history"):
            yield page, target, reverse(f"{prefix}_{page}", args=[quote(obj.pk)])
    if label == "accounts.user":
        for target, obj in targets.items():
            yield "password", target, reverse("admin:auth_user_password_change", args=[quote(obj.pk)])
    source = autocomplete_source(model)
    if source and admin.site._registry[model].get_search_fields(None):
        yield "autocomplete", None, f"{reverse('admin:autocomplete')}?{source}"


@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_admin_permission_matrix(client, world, label):
    for role in ("animator_a", "animator_b"):
        world[role].is_staff = True
        world[role].save()
        world[role].user_permissions.set(Permission.objects.all())
    model = apps.get_model(label)
    targets = admin_objects(world)[label]
    wrong = []
    for role in ROLES:
        client.logout()
        if _user(world, role) is not None:
            client.force_login(_user(world, role))
        for page, target, path in _admin_pages(label, model, targets):
            expected = _admin_expected(label, page, role, target)
            response = client.get(path)
            got = response.status_code
            if got == 302:
                got = {"/admin/": "not found"}.get(response["Location"], response["Location"])
                got = "login" if got.startswith("/admin/login/?next=") else got
            if got != expected:
                wrong.append(f"{page} {target or ''} as {role}: {got}, expected {expected}")
    assert not wrong, f"{label}:\n" + "\n".join(wrong)


def test_admin_index_follows_the_role(client, world):
    world["animator_a"].is_staff = True
    world["animator_a"].save()
    expected = {"visitor": "login", "member": "login", "animator_a": 200, "admin": 200}
    for role, code in expected.items():
        client.logout()
        if _user(world, role) is not None:
            client.force_login(_user(world, role))
        response = client.get("/admin/")
        got = (
            "login"
            if response.status_code == 302 and "/admin/login/" in response["Location"]
            else response.status_code
        )
        assert got == code, role


def test_every_admin_url_is_in_the_matrix():
    assert {model._meta.label_lower for model in admin.site._registry} == set(ADMIN_MODELS)
    covered = {
        f"{label.replace('.', '_')}_{page}"
        for label in ADMIN_MODELS
        for page in ADMIN_PAGES
        if page != "autocomplete"
    }
    names, stack = set(), list(admin.site.get_urls())
    while stack:
        pattern = stack.pop()
        if isinstance(pattern, URLResolver):
            stack.extend(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    missing = names - covered - ADMIN_SITE_PAGES - ADMIN_PAGE_NAMES
    assert not missing, f"add these admin URLs to ADMIN_MODELS in {Path(__file__).name}: {sorted(missing)}"

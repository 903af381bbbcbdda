"""Writes of the accounts app: establishment links, claims, invitations.

Who may call each service is checked by the views with ``permissions``; the services check
the state (a claim is decided once, an invitation is accepted once and before it expires).
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.errors import AccountError
from maillage.accounts.models import Claim, EmailKind, Invitation, User
from maillage.directory.models import Establishment, EstablishmentUser, Membership, Network
from maillage.directory.validators import validate_siret
from maillage.emails import absolute_url, templated_email

INVITATION_VALIDITY = timedelta(days=7)
_INVITATION_SALT = "maillage.accounts.invitation"


@transaction.atomic
def establishment_user_link(*, user: User, establishment: Establishment) -> EstablishmentUser:
    """Let ``user`` act for ``establishment``; linking twice is harmless."""
    link, _created = EstablishmentUser.objects.get_or_create(user=user, establishment=establishment)
    return link


def claim_network_for(establishment: Establishment) -> Network | None:
    """The network whose animators decide: one where it is a member, then any membership,
    then a network whose territory contains its commune."""
    memberships = Membership.objects.filter(establishment=establishment).select_related("network")
    for found in (memberships.current(), memberships):
        membership = found.order_by("network__name").first()
        if membership:
            return membership.network
    if establishment.commune_id is None:
        return None
    commune = establishment.commune
    return (
        Network.objects.filter(
            Q(communes=commune) | Q(epcis=commune.epci_id) | Q(departments=commune.department_id)
        )
        .distinct()
        .order_by("name")
        .first()
    )


@transaction.atomic
def claim_create(*, user: User, siret: str, message: str = "") -> Claim:
    """Ask to act for the establishment ``siret``; the network's animators are told by e-mail."""
    siret = "".join(siret.split())
    try:
        validate_siret(siret)
    except ValidationError as error:
        raise AccountError.from_validation(error, "siret") from error
    establishment = Establishment.objects.filter(siret=siret).select_related("commune").first()
    if establishment is None:
        raise AccountError("siret", _("Aucun établissement de l’annuaire ne porte ce SIRET."))
    if EstablishmentUser.objects.filter(user=user, establishment=establishment).exists():
        raise AccountError("siret", _("Vous agissez déjà pour cet établissement."))
    if Claim.objects.filter(user=user, establishment=establishment, status=Claim.Status.PENDING).exists():
        raise AccountError("siret", _("Une demande est déjà en attente pour cet établissement."))
    network = claim_network_for(establishment)
    if network is None:
        raise AccountError(
            "siret", _("Aucun réseau ne couvre cet établissement : personne ne peut valider la demande.")
        )
    claim = Claim.objects.create(user=user, establishment=establishment, network=network, message=message)
    # Each animator who did not turn these notices off, one message per language.
    by_language: dict[str, list[str]] = {}
    for animator in network.animators.filter(is_active=True).order_by("pk"):
        if animator.wants_email(EmailKind.CLAIM_RECEIVED):
            by_language.setdefault(animator.language, []).append(animator.email)
    claims_url = absolute_url(reverse("backoffice:claims", args=[network.slug]))
    preferences_url = absolute_url(reverse("accounts:preferences"))
    for language, recipients in by_language.items():
        templated_email(
            to=recipients,
            template="accounts/emails/claim_received",
            context={"claim": claim, "claims_url": claims_url, "preferences_url": preferences_url},
            language=language,
        ).send()
    return claim


def _decide(claim: Claim, *, by: User, status: str, note: str) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.PENDING:
        raise AccountError("", _("Cette demande a déjà été traitée."))
    claim.status = status
    claim.decided_by = by
    claim.decided_at = timezone.now()
    claim.decision_note = note
    claim.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim, by: User) -> Claim:
    """Grant the claimant the right to act for the establishment and tell them."""
    claim = _decide(claim, by=by, status=Claim.Status.APPROVED, note="")
    establishment_user_link(user=claim.user, establishment=claim.establishment)
    templated_email(
        to=[claim.user.email],
        template="accounts/emails/claim_approved",
        context={"claim": claim, "login_url": absolute_url(reverse("accounts:login"))},
        language=claim.user.language,
    ).send()
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, by: User, note: str = "") -> Claim:
    claim = _decide(claim, by=by, status=Claim.Status.REJECTED, note=note)
    templated_email(
        to=[claim.user.email],
        template="accounts/emails/claim_rejected",
        context={"claim": claim},
        language=claim.user.language,
    ).send()
    return claim


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=_INVITATION_SALT, compress=True)


class InvitationError(Exception):
    """An invitation link that cannot be used; ``reason`` is ``invalid``, ``expired`` or ``used``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link designates, or ``InvitationError`` saying why it cannot be used."""
    try:
        pk = signing.loads(token, salt=_INVITATION_SALT, max_age=INVITATION_VALIDITY)
    except signing.SignatureExpired as exc:
        raise InvitationError("expired") from exc
    except signing.BadSignature as exc:
        raise InvitationError("invalid") from exc
    invitation = Invitation.objects.filter(pk=pk).select_related("network", "establishment").first()
    if invitation is None:
        raise InvitationError("invalid")
    if invitation.accepted_at is not None:
        raise InvitationError("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("expired")
    return invitation


@transaction.atomic
def invitation_create(
    *,
    network: Network,
    email: str,
    invited_by: User,
    role: str = Invitation.Role.MEMBER,
    establishment: Establishment | None = None,
) -> Invitation:
    """Invite ``email`` and send the link; a member invitation needs an establishment of ``network``."""
    email = User.objects.normalize_email(email.strip())
    if role == Invitation.Role.MEMBER:
        if establishment is None:
            raise AccountError("establishment", _("Choisissez l’établissement de la personne invitée."))
        if not Membership.objects.filter(network=network, establishment=establishment).exists():
            raise AccountError("establishment", _("Cet établissement n’appartient pas au réseau."))
    else:
        establishment = None
    invitation = Invitation(
        email=email,
        network=network,
        establishment=establishment,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    try:
        invitation.full_clean()
    except ValidationError as error:
        raise AccountError.from_validation(error) from error
    invitation.save()
    accept_url = absolute_url(reverse("accounts:invitation_accept", args=[invitation_token(invitation)]))
    templated_email(
        to=[email],
        template="accounts/emails/invitation",
        context={"invitation": invitation, "accept_url": accept_url},
    ).send()
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, password: str | None = None, first_name: str = "", last_name: str = ""
) -> User:
    """Use the invitation once: create the account (or reuse the one with this e-mail) and grant the role.

    ``password`` is required when no account exists for the e-mail yet.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("expired")
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        if not password:
            raise AccountError("password", _("Choisissez un mot de passe."))
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )
    if invitation.role == Invitation.Role.ANIMATOR:
        invitation.network.animators.add(user)
    else:
        establishment_user_link(user=user, establishment=invitation.establishment)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def account_update(*, user: User, first_name: str, last_name: str) -> User:
    """The name a user shows (their own « Mon compte » page)."""
    user.first_name = first_name.strip()[:150]
    user.last_name = last_name.strip()[:150]
    user.save(update_fields=["first_name", "last_name"])
    return user


@transaction.atomic
def account_delete(*, user: User, password: str) -> str:
    """Delete a user's account at their request (GDPR, article 17), once the password is confirmed.

    A real deletion: their links to companies, claims, notifications and deliveries go with it.
    A user who posted needs cannot vanish without taking the network's history and figures
    with them (``Need.author`` is protected): the account is then anonymised instead — e-mail,
    names and password gone, the account closed — and the needs stay, authored by « compte
    supprimé ». Returns ``"deleted"`` or ``"anonymised"``.
    """
    if not user.check_password(password):
        raise AccountError("password", _("Mot de passe incorrect : le compte n’a pas été supprimé."))
    if not user.needs.exists():
        user.delete()
        return "deleted"
    user.email = f"compte-supprime-{user.pk}@invalid"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.establishment_links.all().delete()
    user.claims.all().delete()
    user.notifications.all().delete()
    user.account_emails.all().delete()  # they hold the old addresses
    user.muted_emails = []
    user.save(update_fields=["muted_emails"])
    user.animated_networks.clear()
    return "anonymised"

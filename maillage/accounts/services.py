"""Writes of the accounts app: establishment links, claims, invitations, sign-up, join requests.

Who may call each service is checked by the views with ``permissions``; the services check
the state (a claim is decided once, an invitation is accepted once and before it expires).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts import throttling
from maillage.accounts.errors import AccountError
from maillage.accounts.models import Claim, Invitation, JoinRequest, User
from maillage.directory import services as directory_services
from maillage.directory.errors import DirectoryError
from maillage.directory.models import Establishment, EstablishmentUser, Membership, Network
from maillage.directory.validators import validate_siret

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
    _queue_email("claim_received", claim.pk)
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
    _queue_email("claim_approved", claim.pk)
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, by: User, note: str = "") -> Claim:
    claim = _decide(claim, by=by, status=Claim.Status.REJECTED, note=note)
    _queue_email("claim_rejected", claim.pk)
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
    _queue_email("invitation", invitation.pk)
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
    elif awaiting_confirmation(user):
        # Signed up but not confirmed yet: the invitation's link proves the address as well.
        user.is_active = True
        user.save(update_fields=["is_active"])
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


# --- Sign-up without an invitation, and « Adhérer au réseau » (issue 15) ----------------------

SIGNUP_VALIDITY = timedelta(days=3)
_SIGNUP_SALT = "maillage.accounts.signup"


def _queue_email(kind: str, pk: int) -> None:
    """Send the ``kind`` e-mail about object ``pk`` from the task queue once the transaction
    commits; the key names this one message, so a retried task never sends it twice."""
    from maillage.accounts.tasks import email_task

    key = f"{kind}:{pk}:{uuid.uuid4().hex}"
    transaction.on_commit(lambda: email_task(kind, pk, key))


def signup_token(user: User) -> str:
    """The confirmation link's token: the account and the address it was asked for, signed and
    timestamped (expiry from the signature, single use from the account turning active)."""
    return signing.dumps({"u": user.pk, "e": user.email}, salt=_SIGNUP_SALT, compress=True)


def awaiting_confirmation(user: User) -> bool:
    """An account created by sign-up and never confirmed: inactive and never logged in (an
    account closed by an administrator or anonymised has logged in, or lost its address)."""
    return not user.is_active and user.last_login is None


def signup_user_from_token(token: str) -> User:
    """The account a confirmation link designates, or ``InvitationError`` saying why not:
    ``invalid`` (altered, unknown), ``expired``, or ``used`` (already confirmed)."""
    try:
        data = signing.loads(token, salt=_SIGNUP_SALT, max_age=SIGNUP_VALIDITY)
    except signing.SignatureExpired as exc:
        raise InvitationError("expired") from exc
    except signing.BadSignature as exc:
        raise InvitationError("invalid") from exc
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise InvitationError("invalid")
    if user.is_active:
        raise InvitationError("used")
    if not awaiting_confirmation(user):
        raise InvitationError("invalid")
    return user


def signup_link_resend(*, email: str, password: str) -> bool:
    """At login: an account awaiting confirmation whose password is right gets its link again
    (within the per-address limit of sign-up e-mails). True when it is such an account — the
    caller may then say so, since whoever typed the password knows the account exists."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not awaiting_confirmation(user) or not user.check_password(password):
        return False
    if throttling.signup_address_allowed(user.email):
        throttling.signup_record(user.email, "")
        _queue_email("signup_confirm", user.pk)
    return True


@transaction.atomic
def signup_request(*, email: str, password: str, first_name: str = "", last_name: str = "") -> None:
    """Create an inactive account and send its confirmation link; returns nothing on purpose.

    No enumeration: whether the address has an account or not, the caller answers the same.
    An account awaiting confirmation takes the new password and names and gets a new link; an
    active one gets an e-mail saying it exists (with the password-reset link) and is not
    changed. The password is hashed in every case, so that the answer takes the same time.
    """
    email = User.objects.normalize_email(email.strip())
    probe = User(email=email, first_name=first_name)
    try:
        password_validation.validate_password(password, probe)
    except ValidationError as error:
        raise AccountError.from_validation(error, "password") from error
    hashed = make_password(password)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, is_active=False)
    elif not awaiting_confirmation(user):
        _queue_email("signup_existing", user.pk)
        return
    user.password = hashed
    user.first_name = first_name.strip()[:150]
    user.last_name = last_name.strip()[:150]
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return  # the same address signed up at the same instant: that request sends the link
    _queue_email("signup_confirm", user.pk)


@transaction.atomic
def signup_confirm(*, token: str) -> User:
    """Turn the account of a confirmation link active (once); ``InvitationError`` otherwise."""
    user = signup_user_from_token(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise InvitationError("used")
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


UNCONFIRMED_KEPT = timedelta(days=7)


def signups_unconfirmed_delete(*, now=None) -> int:
    """Delete the accounts created by sign-up and never confirmed, a week after their link
    expired (data minimisation: nobody can use them). Returns how many went.

    Only accounts that hold nothing: no company, claim, network or need (a need's author is
    protected; an unconfirmed account cannot have posted one, but the guard costs nothing)."""
    cutoff = (now or timezone.now()) - SIGNUP_VALIDITY - UNCONFIRMED_KEPT
    stale = User.objects.filter(
        is_active=False,
        last_login__isnull=True,
        is_staff=False,
        is_superuser=False,
        date_joined__lt=cutoff,
        establishment_links__isnull=True,
        claims__isnull=True,
        animated_networks__isnull=True,
        needs__isnull=True,
    )
    deleted = 0
    for user in stale.distinct().iterator():
        with transaction.atomic():
            user.delete()
        deleted += 1
    return deleted


def _pending_join(network: Network, establishment: Establishment) -> bool:
    return JoinRequest.objects.filter(
        network=network, establishment=establishment, status=JoinRequest.Status.PENDING
    ).exists()


@transaction.atomic
def join_request_create(
    *,
    network: Network,
    siret: str,
    first_name: str,
    last_name: str,
    role: str,
    email: str,
    phone: str = "",
    consent: bool = False,
    motivation: str,
    user: User | None = None,
) -> JoinRequest:
    """« Adhérer au réseau »: the company ``siret`` asks to join ``network``; its animators are
    told by e-mail (task queue). Refused for a company already member, or already asking."""
    siret = "".join(siret.split())
    establishment = Establishment.objects.filter(siret=siret).first()
    if establishment is None:
        raise AccountError("siret", _("Aucun établissement de l’annuaire ne porte ce SIRET."))
    membership = Membership.objects.filter(network=network, establishment=establishment).first()
    if membership is not None and membership.status == Membership.Status.MEMBER:
        raise AccountError(
            "siret",
            _("%(name)s est déjà adhérente du réseau %(network)s : rien à demander.")
            % {"name": establishment.display_name, "network": network.name},
        )
    if _pending_join(network, establishment):
        raise AccountError(
            "siret",
            _("Une demande d’adhésion est déjà en attente pour %(name)s : l’animation du réseau y répond.")
            % {"name": establishment.display_name},
        )
    request = JoinRequest(
        network=network,
        establishment=establishment,
        user=user if user is not None and user.is_authenticated else None,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        email=User.objects.normalize_email(email.strip()).lower(),
        phone=phone.strip(),
        consent_on=timezone.localdate() if consent else None,
        motivation=motivation.strip(),
    )
    try:
        request.full_clean()
    except ValidationError as error:
        raise AccountError.from_validation(error) from error
    request.save()
    _queue_email("join_received", request.pk)
    return request


def _join_decide(join_request: JoinRequest, *, by: User, status: str, note: str) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise AccountError("", _("Cette demande a déjà été traitée."))
    join_request.status = status
    join_request.decided_by = by
    join_request.decided_at = timezone.now()
    join_request.decision_note = note.strip()
    join_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return join_request


@transaction.atomic
def join_request_accept(*, join_request: JoinRequest, by: User) -> JoinRequest:
    """The company becomes a member (from today, the change in its membership's history) and the
    person who asked its contact, with the date of their consent; they are told by e-mail."""
    join_request = _join_decide(join_request, by=by, status=JoinRequest.Status.ACCEPTED, note="")
    network, establishment = join_request.network, join_request.establishment
    membership = Membership.objects.filter(network=network, establishment=establishment).first()
    try:
        if membership is None:
            directory_services.membership_create(
                network=network, establishment=establishment, actor=by, status=Membership.Status.MEMBER
            )
        elif membership.status != Membership.Status.MEMBER:
            directory_services.membership_update(
                membership=membership,
                actor=by,
                status=Membership.Status.MEMBER,
                joined_on=timezone.localdate(),
            )
        directory_services.contact_save(
            network=network,
            establishment=establishment,
            actor=by,
            first_name=join_request.first_name,
            last_name=join_request.last_name,
            role=join_request.role,
            email=join_request.email,
            phone=join_request.phone,
            consent_on=join_request.consent_on,
        )
    except DirectoryError as error:
        raise AccountError(error.field, error.message) from error
    _queue_email("join_accepted", join_request.pk)
    return join_request


@transaction.atomic
def join_request_decline(*, join_request: JoinRequest, by: User, note: str) -> JoinRequest:
    """Decline with a reason, which the person who asked receives by e-mail."""
    if not note.strip():
        raise AccountError("note", _("Indiquez le motif du refus : il est envoyé au demandeur."))
    join_request = _join_decide(join_request, by=by, status=JoinRequest.Status.DECLINED, note=note)
    _queue_email("join_declined", join_request.pk)
    return join_request

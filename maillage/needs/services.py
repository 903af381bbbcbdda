"""Writes to needs: content, attachments, workflow, answers, outcome, network settings.

Each service checks who acts (``PermissionDenied``), validates (``NeedValidationError`` naming
the field), writes atomically, and queues the messages to send once the transaction has
committed (the queue's worker must find the rows). Sending itself is in ``sending.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillage.accounts.models import User
from maillage.accounts.permissions import can_animate_network, is_establishment_user, member_networks
from maillage.directory.models import Establishment, Membership, Network
from maillage.needs import permissions
from maillage.needs.attachments import HEAD_BYTES, attachment_name, attachment_type
from maillage.needs.errors import NeedTransitionError, NeedValidationError
from maillage.needs.models import (
    Answer,
    DeclineReason,
    Need,
    NeedAttachment,
    NeedCapability,
    NeedClosing,
    NeedEquipment,
    NeedKind,
    NeedRecipient,
    NeedStatus,
    NeedStatusChange,
    NeedVisibility,
    NetworkNeedSettings,
    Notification,
)
from maillage.needs.selectors import need_interest_count, need_settings
from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.validation import CAPABILITY_TYPES, resolve_node, specs_of
from maillage.referential.models import Commune
from maillage.taxonomy.models import NodeType

MAX_DISTANCE_KM = 1500
MAX_TITLE = 200

# Which status may follow which; closing a need names its issue (awarded, not awarded, cancelled).
TRANSITIONS = {
    NeedStatus.DRAFT: {NeedStatus.OPEN, NeedStatus.CLOSED},
    NeedStatus.OPEN: {NeedStatus.CLOSED},
    NeedStatus.CLOSED: set(),
}


@dataclass(frozen=True)
class CapabilityInput:
    code: str
    quantity: Decimal | float | str | None = None
    unit: str = ""
    required: bool = True  # False: wished (« souhaité »), it ranks companies but filters none


@dataclass(frozen=True)
class EquipmentInput:
    code: str
    spec: str = ""
    minimum: float | None = None
    maximum: float | None = None


def _node(code: str, types, field: str):
    try:
        return resolve_node(code, types, field)
    except ProfileValidationError as error:
        raise NeedValidationError(error.field, error.message) from error


def _decimal(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation as error:
        raise NeedValidationError(
            field, _("nombre attendu (reçu « %(value)s »)") % {"value": value}
        ) from error
    if not number.is_finite() or number < 0:
        raise NeedValidationError(field, _("nombre positif attendu (reçu « %(value)s »)") % {"value": value})
    return number


def _check_author(*, author: User, network: Network, establishment: Establishment | None) -> None:
    if can_animate_network(author, network):
        if establishment is not None and not (
            author.is_superuser or is_establishment_user(author, establishment)
        ):
            # An animator posts for the network, or for a company it acts for; not in another's name.
            raise PermissionDenied
        return
    if establishment is None or not is_establishment_user(author, establishment):
        raise PermissionDenied
    if not member_networks(author).filter(pk=network.pk, memberships__establishment=establishment).exists():
        raise PermissionDenied


def _validated_fields(
    *, kind: str, title: str, commune: str | None, max_distance_km: int | None, deadline: date,
    budget_min, budget_max, visibility: str,
) -> dict:  # fmt: skip
    if kind not in NeedKind.values:
        raise NeedValidationError("kind", _("nature inconnue « %(value)s »") % {"value": kind})
    title = (title or "").strip()
    if not title:
        raise NeedValidationError("title", _("titre obligatoire"))
    if len(title) > MAX_TITLE:
        raise NeedValidationError(
            "title", _("titre trop long (%(n)d caractères, 200 au plus)") % {"n": len(title)}
        )
    place = None
    if commune:
        place = Commune.objects.filter(insee_code=str(commune).strip()).first()
        if place is None:
            raise NeedValidationError(
                "commune", _("commune inconnue (code INSEE « %(code)s »)") % {"code": commune}
            )
    if max_distance_km is not None:
        if place is None:
            raise NeedValidationError("max_distance_km", _("une distance maximale demande un lieu"))
        if isinstance(max_distance_km, bool) or not 1 <= int(max_distance_km) <= MAX_DISTANCE_KM:
            raise NeedValidationError(
                "max_distance_km", _("distance entre 1 et %(max)d km attendue") % {"max": MAX_DISTANCE_KM}
            )
    if not isinstance(deadline, date):
        raise NeedValidationError("deadline", _("date limite obligatoire"))
    low, high = _decimal(budget_min, "budget_min"), _decimal(budget_max, "budget_max")
    if low is not None and high is not None and low > high:
        raise NeedValidationError("budget_max", _("le budget maximal est inférieur au budget minimal"))
    if visibility not in NeedVisibility.values:
        raise NeedValidationError(
            "visibility", _("visibilité inconnue « %(value)s »") % {"value": visibility}
        )
    return {
        "kind": kind, "title": title, "commune": place, "max_distance_km": max_distance_km,
        "deadline": deadline, "budget_min": low, "budget_max": high, "visibility": visibility,
    }  # fmt: skip


def _set_requirements(
    need: Need,
    *,
    capabilities: Sequence[CapabilityInput],
    certifications: Sequence[str],
    equipment: Sequence[EquipmentInput],
    chosen: Sequence[Establishment],
) -> None:
    rows, seen = [], set()
    for index, item in enumerate(capabilities):
        field = f"capabilities[{index}]"
        node = _node(item.code, CAPABILITY_TYPES, f"{field}.code")
        if node.pk in seen:
            raise NeedValidationError(
                f"{field}.code", _("« %(code)s » est déjà demandé") % {"code": node.code}
            )
        seen.add(node.pk)
        unit = (item.unit or "").strip()
        if len(unit) > 30:
            raise NeedValidationError(f"{field}.unit", _("unité trop longue (30 caractères au plus)"))
        rows.append(
            NeedCapability(
                need=need,
                node=node,
                quantity=_decimal(item.quantity, f"{field}.quantity"),
                unit=unit,
                required=bool(item.required),
            )
        )
    certification_nodes = [
        _node(code, {NodeType.CERTIFICATION}, f"certifications[{index}]")
        for index, code in enumerate(certifications)
    ]
    equipment_rows = []
    for index, item in enumerate(equipment):
        field = f"equipment[{index}]"
        node = _node(item.code, {NodeType.EQUIPMENT}, f"{field}.code")
        spec = (item.spec or "").strip()
        if spec and spec not in specs_of(node):
            known = ", ".join(sorted(specs_of(node))) or _("aucune")
            raise NeedValidationError(
                f"{field}.spec",
                _("caractéristique « %(key)s » inconnue pour %(code)s (connues : %(known)s)")
                % {"key": spec, "code": node.code, "known": known},
            )
        if (item.minimum is not None or item.maximum is not None) and not spec:
            raise NeedValidationError(f"{field}.spec", _("une borne demande une caractéristique"))
        if item.minimum is not None and item.maximum is not None and item.minimum > item.maximum:
            raise NeedValidationError(f"{field}.maximum", _("le maximum est inférieur au minimum"))
        equipment_rows.append(
            NeedEquipment(need=need, node=node, spec=spec, minimum=item.minimum, maximum=item.maximum)
        )
    need.capabilities.all().delete()
    NeedCapability.objects.bulk_create(rows)
    need.equipment.all().delete()
    NeedEquipment.objects.bulk_create(equipment_rows)
    need.certifications.set(certification_nodes)
    need.chosen_establishments.set(chosen)


@transaction.atomic
def need_create(
    *,
    author: User,
    network: Network,
    author_establishment: Establishment | None = None,
    kind: str,
    title: str,
    description: str = "",
    capabilities: Sequence[CapabilityInput] = (),
    certifications: Sequence[str] = (),
    equipment: Sequence[EquipmentInput] = (),
    commune: str | None = None,
    max_distance_km: int | None = None,
    deadline: date,
    budget_min=None,
    budget_max=None,
    visibility: str = NeedVisibility.MEMBERS,
    chosen_establishments: Sequence[Establishment] = (),
) -> Need:
    """A new need, in draft: nothing is sent before ``need_open``."""
    _check_author(author=author, network=network, establishment=author_establishment)
    fields = _validated_fields(
        kind=kind, title=title, commune=commune, max_distance_km=max_distance_km, deadline=deadline,
        budget_min=budget_min, budget_max=budget_max, visibility=visibility,
    )  # fmt: skip
    need = Need.objects.create(
        network=network, author=author, author_establishment=author_establishment,
        description=(description or "").strip(), **fields,
    )  # fmt: skip
    _set_requirements(
        need, capabilities=capabilities, certifications=certifications, equipment=equipment,
        chosen=chosen_establishments,
    )  # fmt: skip
    NeedStatusChange.objects.create(need=need, actor=author, from_status="", to_status=NeedStatus.DRAFT)
    return need


@transaction.atomic
def need_update(
    *,
    need: Need,
    actor: User,
    kind: str,
    title: str,
    description: str = "",
    capabilities: Sequence[CapabilityInput] = (),
    certifications: Sequence[str] = (),
    equipment: Sequence[EquipmentInput] = (),
    commune: str | None = None,
    max_distance_km: int | None = None,
    deadline: date,
    budget_min=None,
    budget_max=None,
    visibility: str = NeedVisibility.MEMBERS,
    chosen_establishments: Sequence[Establishment] = (),
) -> Need:
    """Replace a draft's or an open need's content (the companies already reached keep it)."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not permissions.can_edit_need(actor, need):
        raise PermissionDenied
    fields = _validated_fields(
        kind=kind, title=title, commune=commune, max_distance_km=max_distance_km, deadline=deadline,
        budget_min=budget_min, budget_max=budget_max, visibility=visibility,
    )  # fmt: skip
    for name, value in fields.items():
        setattr(need, name, value)
    need.description = (description or "").strip()
    need.save()
    _set_requirements(
        need, capabilities=capabilities, certifications=certifications, equipment=equipment,
        chosen=chosen_establishments,
    )  # fmt: skip
    return need


@transaction.atomic
def need_attachment_add(*, need: Need, actor: User, name: str, content) -> NeedAttachment:
    """Attach an uploaded file (a Django ``UploadedFile`` or any binary file object)."""
    need = Need.objects.select_related("network").get(pk=need.pk)
    if not permissions.can_edit_need(actor, need):
        raise PermissionDenied
    name = (name or "").strip().replace("/", "_").replace("\\", "_")[:200] or "fichier"
    conf = need_settings(need.network)
    max_bytes = conf.attachment_max_mb * 1_000_000
    content.seek(0)
    # One byte past the limit at most: a huge upload is refused without being read whole.
    data = content.read(max_bytes + 1)
    size = max(len(data), getattr(content, "size", None) or 0)
    file_type = attachment_type(name=name, head=data[:HEAD_BYTES], size=size, max_bytes=max_bytes)
    name = attachment_name(name, file_type)
    attachment = NeedAttachment(
        need=need, name=name, file_type=file_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )  # fmt: skip
    attachment.file.save(f"{name}", ContentFile(data), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def need_attachment_delete(*, attachment: NeedAttachment, actor: User) -> None:
    if not permissions.can_edit_need(actor, attachment.need):
        raise PermissionDenied
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


def _transition(
    need: Need,
    *,
    actor: User | None,
    to: str,
    closing: str = "",
    note: str = "",
    group_size: int | None = None,
) -> None:
    if to not in TRANSITIONS[need.status]:
        raise NeedTransitionError(
            _("un besoin %(from)s ne peut pas passer à « %(to)s »")
            % {"from": need.get_status_display().lower(), "to": NeedStatus(to).label.lower()}
        )
    if to == NeedStatus.CLOSED and closing not in NeedClosing.values:
        raise NeedValidationError("closing", _("issue attendue : attribué, non attribué ou annulé"))
    if need.status == NeedStatus.DRAFT and to == NeedStatus.CLOSED and closing != NeedClosing.CANCELLED:
        raise NeedTransitionError(_("un brouillon ne peut qu’être annulé"))
    NeedStatusChange.objects.create(
        need=need,
        actor=actor,
        from_status=need.status,
        to_status=to,
        closing=closing,
        note=(note or "").strip(),
        group_size=group_size,
    )
    now = timezone.now()
    need.status, need.closing = to, closing
    if to == NeedStatus.OPEN:
        need.opened_at = now
    else:
        need.closed_at, need.next_batch_at, need.sending_done = now, None, True
    need.save()


@transaction.atomic
def need_open(*, need: Need, actor: User, note: str = "", group_size: int | None = None) -> Need:
    """Publish the need and send its first batch (after the commit, through the queue);
    ``group_size``: opened for a group of that many companies (the consortium page)."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not permissions.can_change_need_status(actor, need):
        raise PermissionDenied
    if need.deadline < timezone.localdate():
        raise NeedValidationError(
            "deadline", _("la date limite est passée : reportez-la avant d’ouvrir le besoin")
        )
    if need.visibility == NeedVisibility.CHOSEN and not need.chosen_establishments.exists():
        raise NeedValidationError("chosen_establishments", _("choisissez au moins une entreprise"))
    _transition(need, actor=actor, to=NeedStatus.OPEN, note=note, group_size=group_size)
    need.sending_done, need.next_batch_at = False, None
    need.save(update_fields=["sending_done", "next_batch_at"])
    from maillage.needs.tasks import need_send_batch_task

    need_id = need.pk
    transaction.on_commit(lambda: need_send_batch_task(need_id, 1))
    return need


@transaction.atomic
def need_group_invite(
    *, need: Need, actor: User, establishments: Sequence[Establishment], note: str = ""
) -> list[NeedRecipient]:
    """Send an open need to a proposed group at once, as one more batch; those already reached
    are not asked twice. A members-only need reaches only the network's members; a need for
    chosen companies adds the group to its list."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not permissions.can_change_need_status(actor, need):
        raise PermissionDenied
    if need.status != NeedStatus.OPEN:
        raise NeedValidationError("status", _("seul un besoin ouvert peut être envoyé à un groupement"))
    if need.visibility == NeedVisibility.MEMBERS:
        members = set(
            Membership.objects.current()
            .filter(network=need.network, establishment__in=establishments)
            .values_list("establishment_id", flat=True)
        )
        outsiders = [e.display_name for e in establishments if e.pk not in members]
        if outsiders:
            raise NeedValidationError(
                "establishments",
                _("besoin réservé aux adhérents : %(names)s n’en sont pas") % {"names": ", ".join(outsiders)},
            )
    if need.visibility == NeedVisibility.CHOSEN:
        need.chosen_establishments.add(*establishments)
    reached = set(need.recipients.values_list("establishment_id", flat=True))
    new = [e for e in dict.fromkeys(establishments) if e.pk not in reached]
    if not new:
        return []
    last = need.recipients.aggregate(batch=Max("batch"), rank=Max("rank"))
    batch = (last["batch"] or 0) + 1
    rows = NeedRecipient.objects.bulk_create(
        NeedRecipient(
            need=need,
            establishment=establishment,
            batch=batch,
            rank=(last["rank"] or 0) + position,
            # Stored untranslated: each page and e-mail words it in its reader's language
            # (``{% translate recipient.explanation %}``), whoever sent the invitation.
            explanation=gettext_noop("Membre du groupement proposé"),
        )
        for position, establishment in enumerate(new, 1)
    )
    NeedStatusChange.objects.create(
        need=need,
        actor=actor,
        from_status=need.status,
        to_status=need.status,
        note=(note or "").strip(),
        group_size=len(rows),
    )
    from maillage.needs.tasks import need_send_batch_task

    # The batch's rows already exist: the task sends to them, and a retry to nobody twice.
    transaction.on_commit(lambda: need_send_batch_task(need.pk, batch))
    return rows


@transaction.atomic
def need_close(*, need: Need, actor: User, closing: str, note: str = "") -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not permissions.can_change_need_status(actor, need):
        raise PermissionDenied
    _transition(need, actor=actor, to=NeedStatus.CLOSED, closing=closing, note=note)
    return need


@transaction.atomic
def need_answer(
    *,
    need: Need,
    actor: User,
    answer: str,
    reason: str = "",
    message: str = "",
    establishment: Establishment | None = None,
) -> NeedRecipient:
    """A reached company answers: interested, not interested (with a reason) or a question."""
    rows = need.recipients.select_for_update().filter(establishment__user_links__user=actor)
    if establishment is not None:
        rows = rows.filter(establishment=establishment)
    recipient = rows.order_by("pk").first()
    if recipient is None or need.status != NeedStatus.OPEN:
        raise PermissionDenied
    message = (message or "").strip()
    if answer not in {Answer.INTERESTED, Answer.NOT_INTERESTED, Answer.QUESTION}:
        raise NeedValidationError("answer", _("réponse attendue : intéressé, pas intéressé ou question"))
    if answer == Answer.NOT_INTERESTED and reason not in DeclineReason.values:
        raise NeedValidationError(
            "reason", _("dites pourquoi : hors métier, capacité, distance, délai ou autre")
        )
    if answer == Answer.QUESTION and not message:
        raise NeedValidationError("message", _("écrivez votre question"))
    recipient.answer = answer
    recipient.decline_reason = reason if answer == Answer.NOT_INTERESTED else ""
    recipient.message = message
    recipient.answered_at, recipient.answered_by = timezone.now(), actor
    recipient.save()
    if need_interest_count(need) >= need_settings(need.network).interest_target:
        # Enough companies raised their hand: no further batch.
        Need.objects.filter(pk=need.pk).update(sending_done=True, next_batch_at=None)
    from maillage.needs.tasks import need_notify_answer_task

    recipient_id, stage = recipient.pk, f"r{recipient.pk}-{answer}-{int(recipient.answered_at.timestamp())}"
    transaction.on_commit(lambda: need_notify_answer_task(recipient_id, stage))
    return recipient


@transaction.atomic
def need_outcome_record(
    *,
    need: Need,
    actor: User,
    awarded: bool,
    contracted_local: bool | None = None,
    amount=None,
    note: str = "",
) -> Need:
    """The author's answer to « what became of it? »; an open need is closed by it."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not permissions.can_change_need_status(actor, need):
        raise PermissionDenied
    if need.status == NeedStatus.DRAFT or need.closing == NeedClosing.CANCELLED:
        raise NeedTransitionError(_("un brouillon ou un besoin annulé n’a pas d’issue à déclarer"))
    if awarded and contracted_local is None:
        raise NeedValidationError(
            "contracted_local", _("dites si le travail a été confié dans le territoire")
        )
    value = _decimal(amount, "amount")
    if not awarded and value is not None:
        raise NeedValidationError("amount", _("un montant demande un besoin attribué"))
    if need.status == NeedStatus.OPEN:
        closing = NeedClosing.AWARDED if awarded else NeedClosing.NOT_AWARDED
        _transition(need, actor=actor, to=NeedStatus.CLOSED, closing=closing, note=note)
    need.outcome_contracted_local = contracted_local if awarded else False
    need.outcome_amount = value
    need.outcome_note = (note or "").strip()
    need.outcome_recorded_at = timezone.now()
    need.save()
    return need


@transaction.atomic
def network_need_settings_update(
    *, network: Network, actor: User, **values: int | bool
) -> NetworkNeedSettings:
    if not can_animate_network(actor, network):
        raise PermissionDenied
    row, _created = NetworkNeedSettings.objects.get_or_create(network=network)
    known = {field.name for field in NetworkNeedSettings._meta.fields} - {"id", "network"}
    for name, value in values.items():
        if name not in known:
            raise NeedValidationError(name, _("réglage inconnu"))
        if name == "send_unconfirmed_matches":
            if not isinstance(value, bool):
                raise NeedValidationError(name, _("oui ou non attendu"))
            setattr(row, name, value)
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < (0 if name == "batch_delay_hours" else 1)
        ):
            raise NeedValidationError(
                name, _("nombre entier positif attendu (reçu « %(value)s »)") % {"value": value}
            )
        setattr(row, name, value)
    row.full_clean(exclude=["network"])
    row.save()
    return row


@transaction.atomic
def notification_mark_read(*, user: User, notification_ids: Sequence[int] | None = None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=timezone.now())

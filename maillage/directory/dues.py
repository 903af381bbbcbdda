"""Writes for the network's dues: the year's scale, calling the dues, payments, reminders and
the daily passage to « en retard ».

Every change of a membership's dues is written to its history (``MembershipChange``), and
``Membership.dues_status`` follows the status of its latest dues (``_sync_status``) so that the
list's filter, the exports and the admin read one column.

« En retard » is stored, written each morning by ``dues_mark_late`` (a periodic task), rather
than computed at read time: the history then says on which day dues became late (what a
treasurer is asked about), the members list filters on a plain column, and a reminder's e-mail
can say « en retard » without recomputing the network's delay. A longer delay set later does not
bring late dues back to « appelée »: their history stands.

E-mails (the call, reminders) leave from the task queue once the transaction commits, each
claimed before it is sent (``maillage.delivery``): a retried task sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from maillage.directory import tasks
from maillage.directory.errors import DirectoryError
from maillage.directory.models import (
    Dues,
    DuesRate,
    DuesReminder,
    DuesScale,
    Membership,
    MembershipChange,
    Network,
)
from maillage.directory.services import membership_update
from maillage.referential.models import HeadcountBand


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _money(amount: Decimal) -> str:
    return f"{formats.number_format(amount, 2, use_l10n=True, force_grouping=True)} €"


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@transaction.atomic
def dues_scale_save(
    *,
    network: Network,
    actor,
    year: int,
    basis: str,
    default_amount: Decimal,
    late_after_days: int,
    category_amounts: dict[str, Decimal | None],
    band_amounts: dict[str, Decimal | None],
) -> DuesScale:
    """The network's scale for ``year``, its lines replaced by the amounts given (an empty
    amount: no line, the default applies). Dues already called keep their amount."""
    scale, _created = DuesScale.objects.get_or_create(network=network, year=year)
    scale.basis = basis
    scale.default_amount = default_amount
    scale.late_after_days = late_after_days
    try:
        scale.full_clean()
    except Exception as error:  # ValidationError
        raise DirectoryError.from_validation(error) from error
    scale.save()
    scale.rates.all().delete()
    bands = set(HeadcountBand.objects.values_list("code", flat=True))
    DuesRate.objects.bulk_create(
        [
            DuesRate(scale=scale, category=category.strip(), amount=amount)
            for category, amount in category_amounts.items()
            if amount is not None and category.strip()
        ]
        + [
            DuesRate(scale=scale, headcount_band_id=code, amount=amount)
            for code, amount in band_amounts.items()
            if amount is not None and code in bands
        ]
    )
    return scale


def dues_amount(scale: DuesScale, membership: Membership, rates: list[DuesRate] | None = None) -> Decimal:
    """What ``membership`` owes under ``scale``: its category's (or headcount band's) line, else
    the default amount."""
    rates = list(scale.rates.all()) if rates is None else rates
    if scale.basis == DuesScale.Basis.HEADCOUNT:
        band = membership.establishment.headcount_band_id
        found = [r.amount for r in rates if r.headcount_band_id is not None and r.headcount_band_id == band]
    else:
        found = [r.amount for r in rates if r.headcount_band_id is None and r.category == membership.category]
    return found[0] if found else scale.default_amount


def _record(membership: Membership, actor, field: str, new_value: str, old_value: str = "") -> None:
    MembershipChange.objects.create(
        membership=membership, field=field, old_value=old_value, new_value=new_value, changed_by=_user(actor)
    )


def _sync_status(membership: Membership, actor) -> None:
    """``Membership.dues_status`` is its latest dues' status (« sans objet » without dues)."""
    latest = membership.dues.order_by("-year").first()
    status = latest.status if latest else Membership.DuesStatus.NOT_APPLICABLE
    if membership.dues_status != status:
        _record(membership, actor, "dues_status", status, old_value=membership.dues_status)
        Membership.objects.filter(pk=membership.pk).update(dues_status=status)
        membership.dues_status = status


def _scale(network: Network, year: int) -> DuesScale:
    scale = DuesScale.objects.filter(network=network, year=year).first()
    if scale is None:
        raise DirectoryError(
            "year", _("Le réseau n’a pas de barème de cotisations pour %(year)s.") % {"year": year}
        )
    return scale


def _queue(dues_id: int, kind: str, stage: str) -> None:
    transaction.on_commit(lambda: tasks.dues_send_task(dues_id, kind, stage))


def _scoped(network: Network, memberships: Iterable[Membership] | None):
    queryset = Membership.objects.filter(network=network).select_related("establishment")
    if memberships is not None:
        queryset = queryset.filter(pk__in=[m.pk for m in memberships])
    return queryset.order_by("pk")


@dataclass(frozen=True)
class DuesCallResult:
    called: int  # dues called now
    skipped: int  # already called or paid this year
    not_members: int  # prospects and former members, never called


@transaction.atomic
def dues_call(
    *, network: Network, year: int, actor, memberships: Iterable[Membership] | None = None
) -> DuesCallResult:
    """Call ``year``'s dues of the network's current members (or of those of ``memberships``
    that are current members): each gets its dues at the scale's amount, status « appelée »,
    and the call e-mail goes to its contacts (``dues_recipients``)."""
    scale = _scale(network, year)
    rates = list(scale.rates.all())
    today = timezone.localdate()
    called = skipped = not_members = 0
    for membership in _scoped(network, memberships).select_for_update(of=("self",)):
        if membership.status != Membership.Status.MEMBER:
            not_members += 1
            continue
        dues, created = Dues.objects.get_or_create(
            membership=membership, year=year, defaults={"amount": dues_amount(scale, membership, rates)}
        )
        if dues.status != Dues.Status.DUE:
            skipped += 1
            continue
        dues.status, dues.called_on = Dues.Status.CALLED, today
        dues.save(update_fields=["status", "called_on", "updated_at"])
        _record(membership, actor, "dues_call", f"{year} — {_money(dues.amount)}")
        _sync_status(membership, actor)
        _queue(dues.pk, "call", "")
        called += 1
    return DuesCallResult(called=called, skipped=skipped, not_members=not_members)


@transaction.atomic
def dues_record_payment(
    *,
    network: Network,
    year: int,
    paid_on: date,
    reference: str,
    actor,
    memberships: Iterable[Membership],
) -> tuple[int, int]:
    """Record ``year``'s dues of ``memberships`` as paid on ``paid_on`` (with the transfer's or
    cheque's ``reference``); dues not called yet are created at the scale's amount. Returns
    (recorded, already paid)."""
    if paid_on > timezone.localdate():
        raise DirectoryError("paid_on", _("La date du paiement ne peut pas être dans le futur."))
    reference = reference.strip()
    scale = DuesScale.objects.filter(network=network, year=year).first()
    rates = list(scale.rates.all()) if scale else []
    recorded = already = 0
    for membership in _scoped(network, memberships).select_for_update(of=("self",)):
        dues = Dues.objects.filter(membership=membership, year=year).first()
        if dues is None:
            if scale is None:
                raise DirectoryError(
                    "year", _("Le réseau n’a pas de barème de cotisations pour %(year)s.") % {"year": year}
                )
            dues = Dues(membership=membership, year=year, amount=dues_amount(scale, membership, rates))
        if dues.status == Dues.Status.PAID:
            already += 1
            continue
        dues.status, dues.paid_on, dues.payment_reference = Dues.Status.PAID, paid_on, reference
        dues.save()
        shown = f"{year} — {_money(dues.amount)} — {_day(paid_on)}" + (f" — {reference}" if reference else "")
        _record(membership, actor, "dues_payment", shown[:200])
        _sync_status(membership, actor)
        recorded += 1
    return recorded, already


@transaction.atomic
def dues_remind(*, network: Network, year: int, actor, memberships: Iterable[Membership]) -> tuple[int, int]:
    """Send a reminder for ``year``'s called and unpaid dues of ``memberships``; each reminder is
    numbered and dated. Returns (reminded, nothing to remind)."""
    today = timezone.localdate()
    reminded = skipped = 0
    for membership in _scoped(network, memberships).select_for_update(of=("self",)):
        dues = Dues.objects.filter(membership=membership, year=year).first()
        if dues is None or not dues.is_outstanding:
            skipped += 1
            continue
        number = dues.reminders.count() + 1
        DuesReminder.objects.create(dues=dues, number=number, sent_on=today, sent_by=_user(actor))
        _record(membership, actor, "dues_reminder", f"{year} — n° {number}")
        _queue(dues.pk, "reminder", f"r{number}")
        reminded += 1
    return reminded, skipped


def _unpaid(membership: Membership, year: int) -> Dues:
    dues = Dues.objects.select_for_update().filter(membership=membership, year=year).first()
    if dues is None:
        raise DirectoryError("year", _("L’entreprise n’a pas de cotisation %(year)s.") % {"year": year})
    if dues.status == Dues.Status.PAID:
        raise DirectoryError(
            "year", _("La cotisation %(year)s est réglée : elle ne se corrige plus.") % {"year": year}
        )
    return dues


@transaction.atomic
def dues_correct_amount(*, membership: Membership, year: int, amount: Decimal, actor) -> Dues:
    """Change the amount of ``year``'s dues not paid yet (a wrong band, a negotiated rate); the
    history keeps both amounts. A reminder sent later asks for the new amount."""
    if amount is None or amount <= 0:
        raise DirectoryError("amount", _("Indiquez un montant positif ; pour ne rien demander, exonérez."))
    amount = amount.quantize(Decimal("0.01"))
    dues = _unpaid(membership, year)
    if dues.amount != amount:
        _record(membership, actor, "dues_amount", f"{year} — {_money(amount)}", old_value=_money(dues.amount))
        dues.amount = amount
        dues.save(update_fields=["amount", "updated_at"])
    return dues


@transaction.atomic
def dues_waive(*, membership: Membership, year: int, reason: str, actor) -> Dues:
    """Ask nothing for ``year`` (« exonérée »), with the reason: an honorary member, a first year
    offered, a call made by mistake. Never reminded, never late; a payment recorded afterwards
    still counts."""
    reason = reason.strip()
    if not reason:
        raise DirectoryError("reason", _("Indiquez le motif de l’exonération."))
    dues = _unpaid(membership, year)
    dues.status, dues.waiver_reason = Dues.Status.WAIVED, reason[:200]
    dues.save(update_fields=["status", "waiver_reason", "updated_at"])
    _record(membership, actor, "dues_waiver", f"{year} — {reason}"[:200])
    _sync_status(membership, actor)
    return dues


@transaction.atomic
def dues_mark_late(*, today: date | None = None) -> int:
    """Called dues unpaid past their scale's delay become « en retard »; the number changed.
    Run daily by the queue (``tasks.dues_mark_late_task``); running it twice changes nothing."""
    today = today or timezone.localdate()
    changed = 0
    for scale in DuesScale.objects.all():
        late = Dues.objects.filter(
            membership__network_id=scale.network_id,
            year=scale.year,
            status=Dues.Status.CALLED,
            called_on__lte=today - timedelta(days=scale.late_after_days),
        ).select_related("membership")
        for dues in late.select_for_update(of=("self",)):
            dues.status = Dues.Status.LATE
            dues.save(update_fields=["status", "updated_at"])
            _sync_status(dues.membership, None)
            changed += 1
    return changed


@transaction.atomic
def memberships_set_status(*, network: Network, status: str, actor, memberships: Iterable[Membership]) -> int:
    """One status for many memberships (the list's bulk action), each change in its history
    as ``membership_update`` writes it; the number changed."""
    if status not in Membership.Status.values:
        raise DirectoryError("status", _("Statut inconnu."))
    changed = 0
    for membership in _scoped(network, memberships):
        changed += bool(membership_update(membership=membership, actor=actor, status=status))
    return changed

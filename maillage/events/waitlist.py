"""Who gets a seat when one frees: the waitlist's promotion rule, as one pure function.

No Django here (plain dataclasses in, a decision out) so that the rule is tested on its own,
with hypothesis, and that ``registrations.promote`` only applies what it says.

The rule, at ``now``:

1. **Expired offers.** An offer whose deadline has passed is withdrawn and the person *loses
   their turn*: the registration is cancelled, not put back in the queue (neither at its old
   place nor at the back). Why: an offer left unanswered for ``offer_hours`` most often means
   the person no longer needs the seat (or no longer reads that mailbox); putting them back
   would send the next freed seat to the same silent person again, and every cycle delays the
   people behind them by ``offer_hours``. Whoever still wants to come may register again (the
   address is free once the registration is cancelled) and joins the back of the queue.
2. **Free seats** = capacity − (confirmed + offers still running). Confirmed registrations
   and live offers both hold a seat, so an offer never promises a seat twice. No capacity
   means unlimited seats (only the per-company cap may then keep someone waiting).
3. **Offers**, in queue order: the members' class first (priority 0, then 1), and within a
   class by ``queued_at`` (then id, for ties). A person whose company already holds
   ``per_company_cap`` seats (confirmed + live offers) is skipped and keeps their place; the
   next person gets the seat. Each offer expires at ``now + offer_hours`` (or at
   ``not_after``, the event's start, when sooner: an offer must be answerable before the
   event).

Registrations awaiting the organiser's validation (« pending ») are not part of the queue:
the caller leaves them out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

CONFIRMED, OFFERED, WAITLISTED = "confirmed", "offered", "waitlisted"


@dataclass(frozen=True)
class Seat:
    """One registration as the rule sees it. ``company`` is any hashable key of the person's
    company (None: no company, never capped); ``priority`` 0 for members, 1 for others."""

    id: int
    company: str | None
    priority: int
    queued_at: datetime
    status: str  # CONFIRMED, OFFERED or WAITLISTED
    offer_expires_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    expired: tuple[int, ...]  # offers withdrawn: these registrations lose their turn
    offers: tuple[int, ...]  # waiting registrations offered a seat, in queue order
    offer_expires_at: datetime | None  # the deadline of the new offers
    free_seats: int | None  # seats still free after the new offers (None: unlimited)


def queue_order(seat: Seat) -> tuple:
    return (seat.priority, seat.queued_at, seat.id)


def decide(
    seats: list[Seat],
    *,
    capacity: int | None,
    per_company_cap: int | None,
    now: datetime,
    offer_hours: int,
    not_after: datetime | None = None,
) -> Decision:
    """The offers that expire and the offers to make at ``now`` (see the module's rule)."""
    expired = tuple(
        s.id
        for s in seats
        if s.status == OFFERED and s.offer_expires_at is not None and s.offer_expires_at <= now
    )
    gone = set(expired)
    holding = [s for s in seats if s.id not in gone and s.status in (CONFIRMED, OFFERED)]
    per_company = Counter(s.company for s in holding if s.company is not None)
    free = None if capacity is None else max(capacity - len(holding), 0)

    offers = []
    for seat in sorted((s for s in seats if s.status == WAITLISTED), key=queue_order):
        if free == 0:
            break
        if seat.company is not None and per_company_cap is not None:
            if per_company[seat.company] >= per_company_cap:
                continue  # this company holds its share: the next person gets the seat
            per_company[seat.company] += 1
        offers.append(seat.id)
        if free is not None:
            free -= 1

    deadline = None
    if offers:
        deadline = now + timedelta(hours=offer_hours)
        if not_after is not None and not_after > now:
            deadline = min(deadline, not_after)
    return Decision(expired=expired, offers=tuple(offers), offer_expires_at=deadline, free_seats=free)

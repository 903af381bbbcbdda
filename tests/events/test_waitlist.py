"""The waitlist's promotion rule (``maillage.events.waitlist.decide``): properties with hypothesis
(never over capacity, order kept within a class, members first, expired offers move on,
per-company caps hold) and a few worked examples."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.events.waitlist import CONFIRMED, OFFERED, WAITLISTED, Seat, decide, queue_order

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def seat(id, status=WAITLISTED, *, company=None, priority=1, minutes=0, expires=None):
    return Seat(
        id=id,
        company=company,
        priority=priority,
        queued_at=NOW - timedelta(days=1) + timedelta(minutes=minutes),
        status=status,
        offer_expires_at=expires,
    )


@st.composite
def situations(draw):
    count = draw(st.integers(0, 30))
    seats = []
    for i in range(count):
        status = draw(st.sampled_from([CONFIRMED, OFFERED, WAITLISTED, WAITLISTED]))
        expires = None
        if status == OFFERED:
            expires = NOW + timedelta(hours=draw(st.integers(-48, 48)))
        seats.append(
            Seat(
                id=i + 1,
                company=draw(st.sampled_from([None, "a", "b", "c"])),
                priority=draw(st.integers(0, 1)),
                queued_at=NOW - timedelta(minutes=draw(st.integers(1, 500))),
                status=status,
                offer_expires_at=expires,
            )
        )
    capacity = draw(st.one_of(st.none(), st.integers(0, 25)))
    cap = draw(st.one_of(st.none(), st.integers(1, 4)))
    return seats, capacity, cap


def _after(seats, decision):
    """The statuses once the decision is applied (expired offers cancelled)."""
    status = {s.id: s.status for s in seats}
    for i in decision.expired:
        status[i] = "cancelled"
    for i in decision.offers:
        status[i] = OFFERED
    return status


@settings(max_examples=300, deadline=None)
@given(situations())
def test_never_over_capacity(situation):
    seats, capacity, cap = situation
    decision = decide(seats, capacity=capacity, per_company_cap=cap, now=NOW, offer_hours=48)
    status = _after(seats, decision)
    holding = sum(1 for v in status.values() if v in (CONFIRMED, OFFERED))
    held_before = sum(1 for s in seats if s.status in (CONFIRMED, OFFERED) and s.id not in decision.expired)
    if capacity is not None:
        # New offers only fill free seats; seats already over (capacity lowered) stay as they are.
        assert holding <= max(capacity, held_before)
        assert len(decision.offers) <= max(capacity - held_before, 0)


@settings(max_examples=300, deadline=None)
@given(situations())
def test_order_kept_within_a_class_and_members_first(situation):
    seats, capacity, cap = situation
    decision = decide(seats, capacity=capacity, per_company_cap=cap, now=NOW, offer_hours=48)
    status = _after(seats, decision)
    holding = {s.id for s in seats if status[s.id] in (CONFIRMED, OFFERED)}
    per_company = {}
    for s in seats:
        if s.id in holding and s.company is not None:
            per_company[s.company] = per_company.get(s.company, 0) + 1
    offered = set(decision.offers)
    waiting = sorted((s for s in seats if s.status == WAITLISTED), key=queue_order)
    # Anyone left waiting ahead of someone offered a seat was kept out by their company's cap.
    for i, ahead in enumerate(waiting):
        if ahead.id in offered:
            continue
        for behind in waiting[i + 1 :]:
            if behind.id in offered:
                assert ahead.company is not None and cap is not None
                assert per_company[ahead.company] >= cap
    assert list(decision.offers) == [s.id for s in waiting if s.id in offered]


@settings(max_examples=300, deadline=None)
@given(situations())
def test_expired_offers_move_on(situation):
    seats, capacity, cap = situation
    decision = decide(seats, capacity=capacity, per_company_cap=cap, now=NOW, offer_hours=48)
    expired = {s.id for s in seats if s.status == OFFERED and s.offer_expires_at <= NOW}
    assert set(decision.expired) == expired
    assert not expired & set(decision.offers)  # they lose their turn: never offered again here
    if decision.offers:
        assert decision.offer_expires_at == NOW + timedelta(hours=48)


@settings(max_examples=300, deadline=None)
@given(situations())
def test_per_company_caps_hold(situation):
    seats, capacity, cap = situation
    decision = decide(seats, capacity=capacity, per_company_cap=cap, now=NOW, offer_hours=48)
    if cap is None:
        return
    status = _after(seats, decision)
    before, after = {}, {}
    for s in seats:
        if s.company is None:
            continue
        if s.status in (CONFIRMED, OFFERED) and s.id not in decision.expired:
            before[s.company] = before.get(s.company, 0) + 1
        if status[s.id] in (CONFIRMED, OFFERED):
            after[s.company] = after.get(s.company, 0) + 1
    for company, count in after.items():
        # A company never gains seats past its cap (one already past it keeps what it holds).
        assert count <= max(cap, before.get(company, 0))
        if count > before.get(company, 0):
            assert count <= cap


@settings(max_examples=200, deadline=None)
@given(situations())
def test_seats_are_not_left_free_while_someone_could_take_them(situation):
    seats, capacity, cap = situation
    decision = decide(seats, capacity=capacity, per_company_cap=cap, now=NOW, offer_hours=48)
    if decision.free_seats:
        offered = set(decision.offers)
        status = _after(seats, decision)
        counts = {}
        for s in seats:
            if status[s.id] in (CONFIRMED, OFFERED) and s.company is not None:
                counts[s.company] = counts.get(s.company, 0) + 1
        for s in seats:
            if s.status == WAITLISTED and s.id not in offered:
                assert s.company is not None and cap is not None and counts[s.company] >= cap


def test_a_freed_seat_goes_to_the_first_in_line():
    seats = [seat(1, CONFIRMED), seat(2, minutes=2), seat(3, minutes=1)]
    decision = decide(seats, capacity=2, per_company_cap=None, now=NOW, offer_hours=24)
    assert decision.offers == (3,)
    assert decision.offer_expires_at == NOW + timedelta(hours=24)
    assert decision.free_seats == 0


def test_members_are_offered_before_others_who_waited_longer():
    seats = [seat(1, minutes=0, priority=1), seat(2, minutes=30, priority=0)]
    assert decide(seats, capacity=1, per_company_cap=None, now=NOW, offer_hours=48).offers == (2,)


def test_a_live_offer_holds_its_seat():
    seats = [seat(1, OFFERED, expires=NOW + timedelta(hours=1)), seat(2)]
    assert decide(seats, capacity=1, per_company_cap=None, now=NOW, offer_hours=48).offers == ()


def test_an_expired_offer_passes_to_the_next_person():
    seats = [seat(1, OFFERED, expires=NOW - timedelta(minutes=1)), seat(2)]
    decision = decide(seats, capacity=1, per_company_cap=None, now=NOW, offer_hours=48)
    assert decision.expired == (1,)
    assert decision.offers == (2,)


def test_a_company_at_its_cap_is_skipped_and_keeps_its_place():
    seats = [
        seat(1, CONFIRMED, company="kieffer"),
        seat(2, company="kieffer", minutes=1),
        seat(3, company="schmitt", minutes=2),
    ]
    decision = decide(seats, capacity=3, per_company_cap=1, now=NOW, offer_hours=48)
    assert decision.offers == (3,)
    assert decision.free_seats == 1  # free, but only a capped company waits for it


def test_unlimited_capacity_offers_everyone_within_caps():
    seats = [seat(1), seat(2, company="a"), seat(3, company="a")]
    decision = decide(seats, capacity=None, per_company_cap=1, now=NOW, offer_hours=48)
    assert decision.offers == (1, 2)
    assert decision.free_seats is None


def test_an_offer_never_runs_past_the_event_start():
    start = NOW + timedelta(hours=5)
    decision = decide([seat(1)], capacity=1, per_company_cap=None, now=NOW, offer_hours=48, not_after=start)
    assert decision.offer_expires_at == start


def test_capacity_lowered_below_the_confirmed_seats_offers_nothing():
    seats = [seat(1, CONFIRMED), seat(2, CONFIRMED), seat(3)]
    decision = decide(seats, capacity=1, per_company_cap=None, now=NOW, offer_hours=48)
    assert decision.offers == ()
    assert decision.free_seats == 0

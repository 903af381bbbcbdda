"""The throttling window slides exactly across the counters' time buckets."""

import pytest

from maillage.accounts import throttling

EMAIL, IP = "chef@usine.example", "203.0.113.9"


@pytest.fixture
def clock(settings, monkeypatch):
    settings.LOGIN_THROTTLE_FAILURES = 3
    settings.LOGIN_THROTTLE_WINDOW = 60
    now = [6_000_000.0]  # a bucket starts here (a multiple of the window)
    monkeypatch.setattr(throttling, "_now", lambda: now[0])
    return now


def _fail(clock, at):
    clock[0] = at
    throttling.register_failure(EMAIL, IP)


def test_failures_on_both_sides_of_a_bucket_edge_add_up(clock):
    _fail(clock, 6_000_058.0)
    _fail(clock, 6_000_059.5)
    _fail(clock, 6_000_060.5)  # the next bucket
    assert throttling.retry_after(EMAIL, IP) == 58  # the first failure leaves at 6_000_118
    clock[0] = 6_000_117.5
    assert throttling.retry_after(EMAIL, IP) == 1  # never 0 while locked
    clock[0] = 6_000_118.0
    assert throttling.retry_after(EMAIL, IP) == 0


def test_the_wait_follows_the_failure_that_completed_the_count(clock):
    for at in (6_000_010.0, 6_000_050.0, 6_000_070.0, 6_000_080.0):
        _fail(clock, at)
    clock[0] = 6_000_080.0
    # Four failures in the window, three needed: the lock lasts while the last three stay.
    assert throttling.retry_after(EMAIL, IP) == 30
    clock[0] = 6_000_111.0
    assert throttling.retry_after(EMAIL, IP) == 0


def test_failures_older_than_the_window_are_forgotten(clock):
    _fail(clock, 6_000_001.0)
    _fail(clock, 6_000_061.5)
    _fail(clock, 6_000_062.0)
    assert throttling.retry_after(EMAIL, IP) == 0  # the first one left at 6_000_061


def test_reset_clears_every_bucket_of_the_pair_but_not_the_address(clock, settings):
    settings.LOGIN_THROTTLE_CLIENT_FAILURES = 3
    _fail(clock, 6_000_059.0)
    _fail(clock, 6_000_061.0)
    _fail(clock, 6_000_062.0)
    assert throttling.retry_after(EMAIL, IP) > 0
    throttling.reset(EMAIL, IP)
    assert throttling.retry_after(EMAIL, "198.51.100.1") == 0
    assert throttling.retry_after("autre@usine.example", IP) > 0  # a shared IP stays watched
    settings.LOGIN_THROTTLE_CLIENT_FAILURES = 20
    assert throttling.retry_after(EMAIL, IP) == 0
    throttling.register_failure(EMAIL, IP)
    assert throttling.retry_after(EMAIL, IP) == 0  # counting starts again from one


def test_failures_from_other_addresses_never_lock_the_pair(clock):
    for n in range(8):
        throttling.register_failure(EMAIL, f"198.51.100.{n}")
    assert throttling.retry_after(EMAIL, IP) == 0


def test_the_account_delay_doubles_past_the_free_failures_up_to_its_cap(clock, settings):
    settings.LOGIN_THROTTLE_ACCOUNT_FAILURES = 4
    settings.LOGIN_THROTTLE_ACCOUNT_MAX_DELAY = 10
    delays = []
    for n in range(8):
        clock[0] = 6_000_000.0 + n  # one failure a second, each from a new address
        throttling.register_failure(EMAIL, f"198.51.100.{n}")
        delays.append(throttling.retry_after(EMAIL, IP))
    assert delays == [0, 0, 0, 1, 2, 4, 8, 10]
    clock[0] += 10
    assert throttling.retry_after(EMAIL, IP) == 0
    throttling.reset(EMAIL, IP)  # the owner logged in
    throttling.register_failure(EMAIL, "198.51.100.99")
    assert throttling.retry_after(EMAIL, IP) == 0


def test_keys_hold_no_address_in_clear(clock):
    from django.core.cache import cache

    _fail(clock, 6_000_001.0)
    keys = list(cache._cache)  # the local-memory cache of the tests
    assert keys and not any("usine" in key or "203.0" in key for key in keys)


def test_reset_scope_has_its_own_counters(clock):
    for _ in range(throttling.RESET_REQUESTS):
        throttling.register_failure(EMAIL, IP, scope="reset")
    assert throttling.retry_after(EMAIL, IP, scope="reset") == throttling.RESET_WINDOW
    assert throttling.retry_after(EMAIL, IP) == 0

"""The fixed-window rate limiter and its key function."""

import pytest
from starlette.requests import Request

from app.utils.errors import RateLimitedError, to_http_exception
from app.utils.rate_limits import FixedWindowRateLimiter, client_key


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_allows_up_to_the_limit_then_refuses() -> None:
    clock = FakeClock()
    limiter = FixedWindowRateLimiter(limit=3, window_seconds=60, clock=clock)
    decisions = [limiter.hit("k") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert all(d.limit == 3 for d in decisions)


def test_keys_are_counted_separately() -> None:
    limiter = FixedWindowRateLimiter(limit=1, window_seconds=60, clock=FakeClock())
    assert limiter.hit("a").allowed
    assert limiter.hit("b").allowed
    assert not limiter.hit("a").allowed


def test_a_new_window_starts_afresh() -> None:
    clock = FakeClock(now=120.0)
    limiter = FixedWindowRateLimiter(limit=2, window_seconds=60, clock=clock)
    limiter.hit("k")
    limiter.hit("k")
    assert not limiter.hit("k").allowed
    clock.now = 179.9
    assert not limiter.hit("k").allowed
    clock.now = 180.0
    decision = limiter.hit("k")
    assert decision.allowed
    assert decision.remaining == 1


def test_reset_after_counts_down_to_the_window_end() -> None:
    clock = FakeClock(now=130.0)
    limiter = FixedWindowRateLimiter(limit=5, window_seconds=60, clock=clock)
    assert limiter.hit("k").reset_after == pytest.approx(50.0)
    clock.now = 175.5
    assert limiter.hit("k").reset_after == pytest.approx(4.5)


def test_refused_hits_are_not_counted() -> None:
    clock = FakeClock(now=0.0)
    limiter = FixedWindowRateLimiter(limit=1, window_seconds=10, clock=clock)
    limiter.hit("k")
    for _ in range(5):
        assert not limiter.hit("k").allowed
    clock.now = 10.0
    assert limiter.hit("k").allowed


def test_enforce_raises_a_429_error_with_retry_after() -> None:
    clock = FakeClock(now=100.0)
    limiter = FixedWindowRateLimiter(limit=1, window_seconds=30, clock=clock)
    limiter.enforce("k")
    with pytest.raises(RateLimitedError) as caught:
        limiter.enforce("k")
    assert caught.value.retry_after == pytest.approx(20.0)
    exception = to_http_exception(caught.value)
    assert exception.status_code == 429
    assert exception.headers == {"Retry-After": "20"}
    assert exception.detail["code"] == "rate_limited"


def test_reset_forgets_counts() -> None:
    limiter = FixedWindowRateLimiter(limit=1, window_seconds=60, clock=FakeClock())
    limiter.hit("k")
    limiter.reset()
    assert limiter.hit("k").allowed


@pytest.mark.parametrize(("limit", "window"), [(0, 60), (-1, 60), (1, 0), (1, -5)])
def test_bad_settings_are_refused(limit: int, window: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        FixedWindowRateLimiter(limit=limit, window_seconds=window)


def make_request(client: tuple[str, int] | None) -> Request:
    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    if client is not None:
        scope["client"] = client
    return Request(scope)


def test_client_key_combines_scope_and_address() -> None:
    assert client_key(make_request(("203.0.113.7", 5000)), "login") == (
        "login:203.0.113.7"
    )
    assert client_key(make_request(None), "login") == "login:unknown"

"""Sign-in is throttled: repeated failures for one email, or from one client,
are a 429 with Retry-After; the throttle is a route dependency, not middleware.

The limiters' windows are aligned on the clock, so a test whose sign-ins
straddle the end of a 15-minute window would see the counts start afresh
midway: every test here runs on a clock that stands still unless moved."""

import pytest
from fastapi.testclient import TestClient

from app.main import app
from app.routing import auth

PASSWORD = "correct horse battery"
PER_EMAIL = auth.LOGIN_FAILURES_PER_EMAIL.limit
PER_CLIENT = auth.LOGIN_FAILURES_PER_CLIENT.limit
WINDOW = auth.LOGIN_FAILURES_PER_EMAIL.window_seconds


class StillClock:
    """A clock that shows ``now`` until a test moves it."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> StillClock:
    """Both sign-in limiters on one clock, at the start of a window."""
    still = StillClock(now=100 * WINDOW)
    for limiter in (auth.LOGIN_FAILURES_PER_EMAIL, auth.LOGIN_FAILURES_PER_CLIENT):
        monkeypatch.setattr(limiter, "_clock", still)
    return still


def login(client: TestClient, email: str, password: str):
    return client.post("/auth/login", json={"email": email, "password": password})


def register(client: TestClient, email: str) -> None:
    body = {"email": email, "username": email.split("@")[0], "password": PASSWORD}
    assert client.post("/auth/register", json=body).status_code == 201


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["detail"]["code"] == "rate_limited"
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 15 * 60


def test_thirty_wrong_passwords_in_a_row_are_throttled(client: TestClient) -> None:
    register(client, "ada@example.com")
    statuses = [
        login(client, "ada@example.com", "wrong!").status_code for _ in range(30)
    ]
    assert statuses == [401] * PER_EMAIL + [429] * (30 - PER_EMAIL)
    assert_throttled(login(client, "ada@example.com", "wrong!"))


def test_a_throttled_email_is_refused_even_with_its_password(
    client: TestClient,
) -> None:
    register(client, "ada@example.com")
    for _ in range(PER_EMAIL):
        login(client, "ada@example.com", "wrong!")
    # Otherwise a guesser would learn the password from the one 200.
    assert_throttled(login(client, "ada@example.com", PASSWORD))
    # The email is counted as sign-in sees it, whatever its case.
    assert_throttled(login(client, "ADA@example.com", PASSWORD))


def test_other_emails_are_not_throttled_by_one(client: TestClient) -> None:
    register(client, "ada@example.com")
    register(client, "bob@example.com")
    for _ in range(PER_EMAIL):
        login(client, "ada@example.com", "wrong!")
    assert login(client, "bob@example.com", PASSWORD).status_code == 200


def test_successful_sign_ins_are_not_counted(client: TestClient) -> None:
    register(client, "ada@example.com")
    for _ in range(PER_EMAIL * 2):
        assert login(client, "ada@example.com", PASSWORD).status_code == 200


def test_failures_from_one_client_are_throttled_across_emails(
    client: TestClient,
) -> None:
    register(client, "ada@example.com")
    for attempt in range(PER_CLIENT):
        response = login(client, f"guess{attempt}@example.com", "wrong!")
        assert response.status_code == 401
    # Every email now, even a real one with its password: the client is spent.
    assert_throttled(login(client, "fresh@example.com", "wrong!"))
    assert_throttled(login(client, "ada@example.com", PASSWORD))


def test_the_next_window_lets_a_throttled_email_try_again(
    client: TestClient, clock: StillClock
) -> None:
    register(client, "ada@example.com")
    for _ in range(PER_EMAIL):
        login(client, "ada@example.com", "wrong!")
    clock.now += WINDOW - 1
    response = login(client, "ada@example.com", PASSWORD)
    assert_throttled(response)
    assert response.headers["Retry-After"] == "1"
    clock.now += 1
    assert login(client, "ada@example.com", PASSWORD).status_code == 200


def test_clients_are_counted_apart(client: TestClient) -> None:
    for attempt in range(PER_CLIENT):
        login(client, f"guess{attempt}@example.com", "wrong!")
    with TestClient(app, client=("203.0.113.9", 4000)) as elsewhere:
        assert login(elsewhere, "fresh@example.com", "wrong!").status_code == 401


def test_a_new_run_of_the_application_starts_afresh(client: TestClient) -> None:
    register(client, "ada@example.com")
    for _ in range(PER_EMAIL):
        login(client, "ada@example.com", "wrong!")
    assert_throttled(login(client, "ada@example.com", PASSWORD))
    with TestClient(app) as restarted:
        assert login(restarted, "ada@example.com", PASSWORD).status_code == 200


def test_the_throttle_is_a_route_dependency_not_middleware() -> None:
    assert app.user_middleware == []
    (route,) = [r for r in auth.router.routes if r.path.endswith("/login")]
    dependencies = {d.call for d in route.dependant.dependencies}
    assert auth.login_throttle in dependencies

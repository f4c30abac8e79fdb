"""POST /auth/register and POST /auth/login."""

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.user import User

PASSWORD = "correct horse battery"


def register(client: TestClient, **overrides: object):
    body = {"email": "grace@example.com", "username": "grace_h", "password": PASSWORD}
    body.update(overrides)
    return client.post("/auth/register", json=body)


def test_register_returns_the_user_without_password(client: TestClient) -> None:
    response = register(client)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "email", "username", "created_at"}
    assert body["email"] == "grace@example.com"
    assert body["username"] == "grace_h"
    assert isinstance(body["id"], int)
    assert PASSWORD not in response.text
    assert "password" not in response.text
    assert "hash" not in response.text


def test_password_is_stored_as_a_salted_slow_hash(
    client: TestClient, db: Session
) -> None:
    register(client)
    register(client, email="other@example.com", username="other")
    hashes = db.scalars(select(User.password_hash)).all()
    assert len(hashes) == 2
    for stored in hashes:
        assert PASSWORD not in stored
        assert stored.startswith("scrypt$")
    # Same password, different salts.
    assert hashes[0] != hashes[1]


def test_hash_round_trip() -> None:
    from app.routing.auth import hash_password, verify_password

    stored = hash_password("s3cret-enough")
    assert stored != "s3cret-enough"
    assert verify_password("s3cret-enough", stored)
    assert not verify_password("s3cret-enougH", stored)
    assert not verify_password("s3cret-enough", "not a hash")


def test_duplicate_email_is_a_conflict(client: TestClient) -> None:
    assert register(client).status_code == 201
    response = register(client, username="someone_else")
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "conflict"
    assert "email" in response.json()["detail"]["message"]


def test_duplicate_username_is_a_conflict(client: TestClient) -> None:
    assert register(client).status_code == 201
    response = register(client, email="someone@example.com")
    assert response.status_code == 409
    assert "username" in response.json()["detail"]["message"]


def test_invalid_registrations_are_refused(client: TestClient) -> None:
    invalid = [
        {"email": "not-an-email"},
        {"username": "ab"},
        {"username": "x" * 33},
        {"username": "has space"},
        {"username": "dash-ed"},
        {"password": "short"},
        {"password": "p" * 129},
    ]
    for overrides in invalid:
        response = register(client, **overrides)
        assert response.status_code == 422, (overrides, response.text)
    missing = client.post("/auth/register", json={"email": "a@example.com"})
    assert missing.status_code == 422


def test_username_bounds_are_inclusive(client: TestClient) -> None:
    assert register(client, username="abc").status_code == 201
    response = register(client, email="b@example.com", username="a" * 32)
    assert response.status_code == 201
    response = register(client, email="c@example.com", username="Mixed_123")
    assert response.status_code == 201


def test_login_returns_the_user(client: TestClient) -> None:
    registered = register(client).json()
    response = client.post(
        "/auth/login", json={"email": "grace@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json() == registered
    assert PASSWORD not in response.text


def test_login_with_wrong_password_is_unauthorized(client: TestClient) -> None:
    register(client)
    response = client.post(
        "/auth/login", json={"email": "grace@example.com", "password": "wrong!"}
    )
    assert response.status_code == 401
    assert response.json()["detail"]["code"] == "unauthorized"


def test_login_with_unknown_email_is_unauthorized(client: TestClient) -> None:
    response = client.post(
        "/auth/login", json={"email": "nobody@example.com", "password": PASSWORD}
    )
    assert response.status_code == 401


def test_login_with_invalid_body_is_refused(client: TestClient) -> None:
    response = client.post("/auth/login", json={"email": "nope", "password": "x"})
    assert response.status_code == 422
    assert client.post("/auth/login", json={}).status_code == 422


def test_no_token_is_issued(client: TestClient) -> None:
    register(client)
    response = client.post(
        "/auth/login", json={"email": "grace@example.com", "password": PASSWORD}
    )
    assert "token" not in response.text.lower()
    assert "set-cookie" not in response.headers

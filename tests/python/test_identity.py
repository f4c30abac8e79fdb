"""Emails and usernames: compared regardless of case, by registration, by the
uniqueness checks, by the database and by sign-in alike."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.user import User

PASSWORD = "correct horse battery"


def register(client: TestClient, email: str, username: str):
    return client.post(
        "/auth/register",
        json={"email": email, "username": username, "password": PASSWORD},
    )


def test_emails_are_stored_lowercased(client: TestClient, db: Session) -> None:
    response = register(client, "Alice@Example.COM", "alice")
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "alice@example.com"
    assert db.scalars(select(User.email)).all() == ["alice@example.com"]


@pytest.mark.parametrize("again", ["ALICE@example.com", "alice@EXAMPLE.com"])
def test_an_email_differing_only_in_case_is_taken(
    client: TestClient, again: str
) -> None:
    assert register(client, "alice@example.com", "alice").status_code == 201
    response = register(client, again, "alice2")
    assert response.status_code == 409, response.text
    assert "email" in response.json()["detail"]["message"]


@pytest.mark.parametrize("sign_in_as", ["Alice@Example.com", "ALICE@EXAMPLE.COM"])
def test_sign_in_ignores_the_case_of_the_email(
    client: TestClient, sign_in_as: str
) -> None:
    registered = register(client, "alice@example.com", "alice").json()
    response = client.post(
        "/auth/login", json={"email": sign_in_as, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    assert response.json() == registered


def test_registered_in_capitals_signs_in_in_lowercase(client: TestClient) -> None:
    assert register(client, "BOB@EXAMPLE.COM", "bob").status_code == 201
    response = client.post(
        "/auth/login", json={"email": "bob@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text


def test_usernames_keep_their_case(client: TestClient) -> None:
    response = register(client, "grace@example.com", "Grace_H")
    assert response.status_code == 201
    assert response.json()["username"] == "Grace_H"


@pytest.mark.parametrize("again", ["grace_h", "GRACE_H", "gRaCe_H"])
def test_a_username_differing_only_in_case_is_taken(
    client: TestClient, again: str
) -> None:
    assert register(client, "grace@example.com", "Grace_H").status_code == 201
    response = register(client, "other@example.com", again)
    assert response.status_code == 409, response.text
    assert "username" in response.json()["detail"]["message"]


def test_the_database_refuses_usernames_differing_only_in_case(db: Session) -> None:
    # Whoever writes (another service, a script), the unique index holds.
    db.add(User(email="a@example.com", username="Case", password_hash="x"))
    db.commit()
    db.add(User(email="b@example.com", username="cASE", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.commit()

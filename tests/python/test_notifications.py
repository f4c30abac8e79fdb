"""The /notifications endpoints."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

Json = dict[str, object]


@pytest.fixture
def inbox(db: Session, user: Json, client: TestClient) -> dict[str, list[int]]:
    """Three notifications for ``user`` (one read) and one for someone else."""
    from app.models.notification import Notification, NotificationKind

    other = client.post(
        "/auth/register",
        json={"email": "o@example.com", "username": "other", "password": "12345678"},
    ).json()
    start = datetime(2030, 1, 1, tzinfo=UTC)
    rows = [
        Notification(
            user_id=user["id"],
            kind=NotificationKind.COMMENT,
            title="oldest",
            created_at=start,
        ),
        Notification(
            user_id=user["id"],
            kind=NotificationKind.AI_JOB,
            title="middle, read",
            body="Your job is queued.",
            is_read=True,
            created_at=start + timedelta(hours=1),
        ),
        Notification(
            user_id=user["id"],
            kind=NotificationKind.SYSTEM,
            title="newest",
            created_at=start + timedelta(hours=2),
        ),
        Notification(
            user_id=other["id"],
            kind=NotificationKind.MENTION,
            title="not yours",
            created_at=start + timedelta(hours=3),
        ),
    ]
    db.add_all(rows)
    db.commit()
    return {"mine": [rows[2].id, rows[1].id, rows[0].id], "theirs": [rows[3].id]}


def test_list_is_newest_first(client: TestClient, inbox: dict[str, list[int]]) -> None:
    response = client.get("/notifications")
    assert response.status_code == 200
    assert [n["id"] for n in response.json()] == inbox["theirs"] + inbox["mine"]


def test_list_filters_by_user(
    client: TestClient, user: Json, inbox: dict[str, list[int]]
) -> None:
    response = client.get("/notifications", params={"user_id": user["id"]})
    assert [n["id"] for n in response.json()] == inbox["mine"]


def test_list_unread_only(
    client: TestClient, user: Json, inbox: dict[str, list[int]]
) -> None:
    params = {"user_id": user["id"], "unread_only": True}
    body = client.get("/notifications", params=params).json()
    assert [n["id"] for n in body] == [inbox["mine"][0], inbox["mine"][2]]
    assert all(not n["is_read"] for n in body)


def test_list_is_paginated(
    client: TestClient, user: Json, inbox: dict[str, list[int]]
) -> None:
    params = {"user_id": user["id"], "limit": 1, "offset": 1}
    body = client.get("/notifications", params=params).json()
    assert [n["id"] for n in body] == [inbox["mine"][1]]
    assert client.get("/notifications", params={"limit": 101}).status_code == 422


def test_get_returns_the_notification(
    client: TestClient, inbox: dict[str, list[int]]
) -> None:
    notification_id = inbox["mine"][1]
    response = client.get(f"/notifications/{notification_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == notification_id
    assert body["kind"] == "ai_job"
    assert body["is_read"] is True
    assert body["body"] == "Your job is queued."
    assert datetime.fromisoformat(body["created_at"]) == datetime(
        2030, 1, 1, 1, tzinfo=UTC
    )


def test_get_missing_notification_is_not_found(client: TestClient) -> None:
    response = client.get("/notifications/9000")
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "not_found"

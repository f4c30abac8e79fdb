"""The /preview endpoints and the preview builder stubs."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

Json = dict[str, object]


def open_session(client: TestClient, project_id: object, platform: str = "ios"):
    return client.post(
        "/preview/sessions", json={"project_id": project_id, "platform": platform}
    )


def test_create_records_a_pending_session(client: TestClient, project: Json) -> None:
    before = datetime.now(UTC)
    response = open_session(client, project["id"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "pending"
    assert body["platform"] == "ios"
    assert body["project_id"] == project["id"]
    assert set(body) >= {"id", "created_at", "expires_at"}
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.tzinfo is not None
    assert expires_at > before
    assert expires_at - datetime.fromisoformat(body["created_at"]) > timedelta(0)


def test_every_platform_is_accepted(client: TestClient, project: Json) -> None:
    for platform in ["ios", "android", "web"]:
        response = open_session(client, project["id"], platform)
        assert response.status_code == 201
        assert response.json()["platform"] == platform


def test_unknown_platform_is_refused(client: TestClient, project: Json) -> None:
    assert open_session(client, project["id"], "windows-phone").status_code == 422


def test_unknown_project_is_not_found(client: TestClient) -> None:
    assert open_session(client, 31337).status_code == 404


def test_get_returns_the_session(client: TestClient, project: Json) -> None:
    created = open_session(client, project["id"], "web").json()
    response = client.get(f"/preview/sessions/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_get_missing_session_is_not_found(client: TestClient) -> None:
    assert client.get("/preview/sessions/55").status_code == 404


def test_bundle_metadata_is_recorded(
    client: TestClient, db: Session, project: Json
) -> None:
    from app.services.preview_builder import save_preview_bundle_metadata

    created = open_session(client, project["id"]).json()
    save_preview_bundle_metadata(
        db,
        session_id=created["id"],
        bundle_url="https://cdn.example.com/b.zip",
        bundle_sha256="ab" * 32,
        bundle_size_bytes=1234,
    )
    db.commit()
    body = client.get(f"/preview/sessions/{created['id']}").json()
    assert body["status"] == "ready"
    assert body["bundle_url"] == "https://cdn.example.com/b.zip"
    assert body["bundle_sha256"] == "ab" * 32
    assert body["bundle_size_bytes"] == 1234


def test_bundle_metadata_for_missing_session_is_not_found(db: Session) -> None:
    import pytest

    from app.services.preview_builder import save_preview_bundle_metadata
    from app.utils.errors import NotFoundError

    with pytest.raises(NotFoundError):
        save_preview_bundle_metadata(
            db,
            session_id=1,
            bundle_url=None,
            bundle_sha256=None,
            bundle_size_bytes=None,
        )

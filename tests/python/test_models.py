"""The ORM models: tables, columns, indexes, no relationships, as_dict()."""

from datetime import UTC, datetime

import pytest
import sqlalchemy
from sqlalchemy.orm import Session

from app.models import Base

TABLES = {
    "users",
    "projects",
    "ai_jobs",
    "preview_sessions",
    "comments",
    "notifications",
}


def mappers() -> list:
    return list(Base.registry.mappers)


def test_every_table_is_registered() -> None:
    assert set(Base.metadata.tables) == TABLES
    assert {m.class_.__tablename__ for m in mappers()} == TABLES


def test_no_mapper_has_relationships() -> None:
    for mapper in mappers():
        assert not sqlalchemy.inspect(mapper.class_).relationships, mapper


def test_every_table_has_id_and_an_aware_created_at() -> None:
    for table in Base.metadata.tables.values():
        assert [c.name for c in table.primary_key.columns] == ["id"]
        created_at = table.c.created_at
        assert not created_at.nullable
        assert created_at.type.impl.timezone is True, table.name


def indexed_leading_columns(table_name: str) -> set[str]:
    table = Base.metadata.tables[table_name]
    return {next(iter(index.columns)).name for index in table.indexes}


def unique_columns(table_name: str) -> set[str]:
    table = Base.metadata.tables[table_name]
    return {
        next(iter(index.columns)).name
        for index in table.indexes
        if index.unique and len(index.columns) == 1
    }


def test_indexes() -> None:
    assert unique_columns("users") == {"email", "username"}
    assert "owner_id" in indexed_leading_columns("projects")
    for table in ["ai_jobs", "preview_sessions", "comments"]:
        assert "project_id" in indexed_leading_columns(table), table
    for table in ["comments", "notifications"]:
        assert "user_id" in indexed_leading_columns(table), table
    # Lists sort notifications by created_at and filter them by is_read.
    assert {"created_at", "is_read"} <= indexed_leading_columns("notifications")


def test_foreign_keys_point_at_ids() -> None:
    expected = {
        ("projects", "owner_id"): "users.id",
        ("ai_jobs", "project_id"): "projects.id",
        ("preview_sessions", "project_id"): "projects.id",
        ("comments", "project_id"): "projects.id",
        ("comments", "user_id"): "users.id",
        ("notifications", "user_id"): "users.id",
    }
    found = {
        (table.name, fk.parent.name): fk.target_fullname
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
    }
    assert found == expected


def test_created_at_round_trips_as_aware_utc(db: Session) -> None:
    from app.models.user import User

    user = User(email="t@example.com", username="tz", password_hash="x")
    db.add(user)
    db.commit()
    db.expire_all()
    loaded = db.get(User, user.id)
    assert loaded is not None
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - loaded.created_at).total_seconds()) < 60


def test_naive_datetimes_are_refused(db: Session) -> None:
    from app.models.user import User

    db.add(
        User(
            email="n@example.com",
            username="naive",
            password_hash="x",
            created_at=datetime(2030, 1, 1),
        )
    )
    with pytest.raises(sqlalchemy.exc.StatementError):
        db.commit()


def test_as_dict_lists_the_columns_but_no_secret(db: Session) -> None:
    from app.models.comment import Comment
    from app.models.project import Project
    from app.models.user import User

    user = User(email="d@example.com", username="dict", password_hash="secret")
    db.add(user)
    db.flush()
    as_dict = user.as_dict()
    assert set(as_dict) == {"id", "email", "username", "created_at"}
    assert "secret" not in as_dict.values()

    project = Project(name="P", owner_id=user.id)
    db.add(project)
    db.flush()
    comment = Comment(project_id=project.id, user_id=user.id, body="Nice.", line=3)
    db.add(comment)
    db.flush()
    assert comment.as_dict() == {
        "id": comment.id,
        "project_id": project.id,
        "user_id": user.id,
        "body": "Nice.",
        "file_path": None,
        "line": 3,
        "created_at": comment.created_at,
    }


def test_as_dict_covers_every_column_of_every_model() -> None:
    for mapper in mappers():
        cls = mapper.class_
        columns = {c.key for c in mapper.columns} - {"password_hash"}
        instance = cls()
        assert set(instance.as_dict()) == columns, cls.__name__


def test_enum_columns_store_values(db: Session, user: dict) -> None:
    from app.models.notification import Notification, NotificationKind

    db.add(Notification(user_id=user["id"], kind=NotificationKind.AI_JOB, title="t"))
    db.commit()
    stored = db.execute(sqlalchemy.text("SELECT kind FROM notifications")).scalar()
    assert stored == "ai_job"

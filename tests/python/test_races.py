"""Racing writes on one project: 200, 204 or 404, never a 500, never a warning.

Each race holds both requests at their first write to the projects table until
both have reached it, so that they overlap for certain: checks made before that
write (a read of the row) cannot be trusted by either request.
"""

import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.database import engine

Json = dict[str, object]


@pytest.fixture
def hold_writes() -> Iterator[Callable[[int], None]]:
    """Make the next ``parties`` writes to ``projects`` wait for one another."""
    state: dict[str, threading.Barrier] = {}

    def before_cursor_execute(
        _conn: object, _cursor: object, statement: str, *_args: object
    ) -> None:
        barrier = state.get("barrier")
        words = statement.split()
        is_write = words[:2] in (["UPDATE", "projects"], ["DELETE", "FROM"])
        if barrier is not None and is_write and "projects" in words[:3]:
            try:
                barrier.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass

    def arm(parties: int) -> None:
        state["barrier"] = threading.Barrier(parties)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    yield arm
    event.remove(engine, "before_cursor_execute", before_cursor_execute)


def race(*calls: Callable[[], int]) -> list[int]:
    """Run ``calls`` at once; return their statuses, with no warning raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ThreadPoolExecutor(len(calls)) as pool:
            statuses = [f.result() for f in [pool.submit(c) for c in calls]]
    assert [str(w.message) for w in caught] == []
    return statuses


def new_project(client: TestClient, user: Json) -> str:
    response = client.post("/projects", json={"name": "p", "owner_id": user["id"]})
    assert response.status_code == 201, response.text
    return f"/projects/{response.json()['id']}"


def test_of_racing_deletes_exactly_one_is_a_204(
    client: TestClient,
    user: Json,
    hold_writes: Callable[[int], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for _ in range(3):
        url = new_project(client, user)
        hold_writes(3)
        statuses = race(*[lambda url=url: client.delete(url).status_code] * 3)
        assert sorted(statuses) == [204, 404, 404]
    assert [r for r in caplog.records if r.levelname != "DEBUG"] == []


def test_racing_patch_and_delete_answer_200_204_or_404(
    client: TestClient,
    user: Json,
    hold_writes: Callable[[int], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    for _ in range(4):
        url = new_project(client, user)
        hold_writes(2)
        patched, deleted = race(
            lambda url=url: client.patch(url, json={"name": "x"}).status_code,
            lambda url=url: client.delete(url).status_code,
        )
        assert patched in (200, 404)
        assert deleted == 204
        assert client.get(url).status_code == 404
    assert [r for r in caplog.records if r.levelname != "DEBUG"] == []


def test_a_job_for_a_project_deleted_meanwhile_is_a_404(
    client: TestClient, user: Json, project: Json
) -> None:
    from app.models.project import Project

    deleted = threading.Event()

    def delete_before_insert(
        _conn: object, _cursor: object, statement: str, *_args: object
    ) -> None:
        # The job's project check has passed; delete the project now.
        if statement.startswith("INSERT INTO ai_jobs") and not deleted.is_set():
            deleted.set()
            with engine.begin() as other:
                other.execute(
                    Project.__table__.delete().where(Project.id == project["id"])
                )

    event.listen(engine, "before_cursor_execute", delete_before_insert)
    try:
        body = {"project_id": project["id"], "job_type": "review", "prompt": "p"}
        response = client.post("/ai-jobs", json=body)
    finally:
        event.remove(engine, "before_cursor_execute", delete_before_insert)
    assert deleted.is_set()
    assert response.status_code == 404, response.text

"""Ids beyond a 64-bit row id are refused as invalid (422), never a server error."""

import pytest
from fastapi.testclient import TestClient

TOO_BIG = 2**63
HUGE = 10**20


@pytest.mark.parametrize("value", [TOO_BIG, HUGE])
@pytest.mark.parametrize(
    "path",
    [
        "/projects/{}",
        "/ai-jobs/{}",
        "/preview/sessions/{}",
        "/notifications/{}",
    ],
)
def test_a_huge_path_id_is_invalid(client: TestClient, path: str, value: int) -> None:
    assert client.get(path.format(value)).status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        "/projects?owner_id={}",
        "/projects?offset={}",
        "/notifications?user_id={}",
        "/notifications?offset={}",
    ],
)
def test_a_huge_query_id_is_invalid(client: TestClient, query: str) -> None:
    assert client.get(query.format(TOO_BIG)).status_code == 422


def test_huge_references_in_bodies_are_invalid(client: TestClient) -> None:
    project = {"name": "p", "owner_id": TOO_BIG}
    assert client.post("/projects", json=project).status_code == 422
    job = {"project_id": TOO_BIG, "job_type": "review", "prompt": "hi"}
    assert client.post("/ai-jobs", json=job).status_code == 422
    session = {"project_id": TOO_BIG, "platform": "web"}
    assert client.post("/preview/sessions", json=session).status_code == 422


def test_the_largest_row_id_is_a_plain_not_found(client: TestClient) -> None:
    assert client.get(f"/projects/{TOO_BIG - 1}").status_code == 404

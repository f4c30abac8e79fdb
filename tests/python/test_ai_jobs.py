"""The /ai-jobs endpoints and the AI pipeline stubs."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

Json = dict[str, object]


def test_create_queues_the_job(client: TestClient, project: Json) -> None:
    response = client.post(
        "/ai-jobs",
        json={"project_id": project["id"], "job_type": "explain", "prompt": "Why?"},
    )
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued"
    assert body["job_type"] == "explain"
    assert body["prompt"] == "Why?"
    assert body["project_id"] == project["id"]
    assert body["queued_at"] is not None
    assert set(body) >= {"id", "created_at"}


def test_get_returns_the_job(client: TestClient, project: Json) -> None:
    created = client.post(
        "/ai-jobs",
        json={"project_id": project["id"], "job_type": "review", "prompt": "Check."},
    ).json()
    response = client.get(f"/ai-jobs/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_get_missing_job_is_not_found(client: TestClient) -> None:
    response = client.get("/ai-jobs/777")
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "not_found"


def test_create_for_unknown_project_is_not_found(client: TestClient) -> None:
    response = client.post(
        "/ai-jobs", json={"project_id": 999, "job_type": "review", "prompt": "x"}
    )
    assert response.status_code == 404


def test_unknown_job_type_is_refused(client: TestClient, project: Json) -> None:
    response = client.post(
        "/ai-jobs",
        json={"project_id": project["id"], "job_type": "telepathy", "prompt": "x"},
    )
    assert response.status_code == 422


def test_invalid_jobs_are_refused(client: TestClient, project: Json) -> None:
    for body in [
        {"project_id": project["id"], "job_type": "review", "prompt": ""},
        {"project_id": project["id"], "job_type": "review"},
        {"job_type": "review", "prompt": "x"},
        {"project_id": project["id"], "prompt": "x"},
    ]:
        assert client.post("/ai-jobs", json=body).status_code == 422, body


def test_every_job_type_is_accepted(client: TestClient, project: Json) -> None:
    from app.models.job import AIJobType

    for job_type in AIJobType:
        response = client.post(
            "/ai-jobs",
            json={"project_id": project["id"], "job_type": job_type, "prompt": "x"},
        )
        assert response.status_code == 202, response.text


def test_pipeline_records_then_enqueues(db: Session, project: Json) -> None:
    from app.models.job import AIJobStatus, AIJobType
    from app.services.ai_pipeline import create_ai_job_record, enqueue_ai_job

    job = create_ai_job_record(
        db, project_id=project["id"], job_type=AIJobType.REFACTOR, prompt="Tidy."
    )
    assert job.id is not None
    assert job.status == AIJobStatus.CREATED
    assert job.queued_at is None
    enqueue_ai_job(db, job)
    assert job.status == AIJobStatus.QUEUED
    assert job.queued_at is not None
    assert job.queued_at.tzinfo is not None

"""The /projects endpoints."""

import pytest
from fastapi.testclient import TestClient

from conftest import DOMAIN

Json = dict[str, object]


def test_create_returns_the_project(client: TestClient, user: Json) -> None:
    response = client.post(
        "/projects",
        json={
            "name": "Difference Engine",
            "description": "Tables, by steam.",
            "owner_id": user["id"],
            "repo_url": "https://git.example.com/ada/engine.git",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) >= {"id", "created_at"}
    assert body["name"] == "Difference Engine"
    assert body["description"] == "Tables, by steam."
    assert body["owner_id"] == user["id"]
    assert body["repo_url"] == "https://git.example.com/ada/engine.git"


def test_optional_fields_default_to_null(project: Json) -> None:
    assert project["description"] is None
    assert project["repo_url"] is None


def test_create_for_unknown_owner_is_not_found(client: TestClient) -> None:
    response = client.post("/projects", json={"name": "Orphan", "owner_id": 999})
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "not_found"


def test_invalid_projects_are_refused(client: TestClient, user: Json) -> None:
    owner = user["id"]
    invalid = [
        {"name": "", "owner_id": owner},
        {"name": "n" * 101, "owner_id": owner},
        {"owner_id": owner},
        {"name": "No owner"},
        {"name": "Bad owner", "owner_id": "someone"},
        {"name": "Bad url", "owner_id": owner, "repo_url": "ftp://example.com/x"},
        {"name": "Extra", "owner_id": owner, "colour": "blue"},
    ]
    for body in invalid:
        response = client.post("/projects", json=body)
        assert response.status_code == 422, (body, response.text)


def test_get_returns_the_project(client: TestClient, project: Json) -> None:
    response = client.get(f"/projects/{project['id']}")
    assert response.status_code == 200
    assert response.json() == project


def test_get_missing_project_is_not_found(client: TestClient) -> None:
    assert client.get("/projects/4242").status_code == 404


def test_list_is_stable_and_paginated(client: TestClient, user: Json) -> None:
    ids = []
    for name in ["b", "a", "c", "a"]:
        response = client.post("/projects", json={"name": name, "owner_id": user["id"]})
        ids.append(response.json()["id"])
    listed = client.get("/projects")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()] == ids
    assert client.get("/projects").json() == listed.json()
    page = client.get("/projects", params={"limit": 2, "offset": 1})
    assert [p["id"] for p in page.json()] == ids[1:3]
    assert client.get("/projects", params={"offset": 10}).json() == []


def test_list_filters_by_owner(client: TestClient, user: Json, project: Json) -> None:
    other = client.post(
        "/auth/register",
        json={"email": "b@example.com", "username": "bob", "password": "12345678"},
    ).json()
    client.post("/projects", json={"name": "Bob's", "owner_id": other["id"]})
    mine = client.get("/projects", params={"owner_id": user["id"]}).json()
    assert [p["id"] for p in mine] == [project["id"]]
    theirs = client.get("/projects", params={"owner_id": other["id"]}).json()
    assert [p["owner_id"] for p in theirs] == [other["id"]]


def test_list_limit_is_bounded(client: TestClient) -> None:
    assert client.get("/projects", params={"limit": 100}).status_code == 200
    assert client.get("/projects", params={"limit": 101}).status_code == 422
    assert client.get("/projects", params={"limit": 0}).status_code == 422
    assert client.get("/projects", params={"offset": -1}).status_code == 422


def test_patch_changes_only_the_fields_sent(client: TestClient, project: Json) -> None:
    url = f"/projects/{project['id']}"
    response = client.patch(url, json={"description": "Now documented."})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["description"] == "Now documented."
    assert body["name"] == project["name"]
    assert body["created_at"] == project["created_at"]

    response = client.patch(url, json={"name": "Renamed"})
    assert response.json()["name"] == "Renamed"
    assert response.json()["description"] == "Now documented."
    assert client.get(url).json() == response.json()


def test_patch_null_clears_optional_fields(client: TestClient, project: Json) -> None:
    url = f"/projects/{project['id']}"
    client.patch(url, json={"description": "temporary"})
    response = client.patch(url, json={"description": None})
    assert response.status_code == 200
    assert response.json()["description"] is None


def test_patch_refuses_invalid_values(client: TestClient, project: Json) -> None:
    url = f"/projects/{project['id']}"
    for body in [{"name": None}, {"name": ""}, {"repo_url": "nope"}, {"x": 1}]:
        response = client.patch(url, json=body)
        assert response.status_code == 422, (body, response.text)
    assert client.get(url).json() == project


def test_patch_missing_project_is_not_found(client: TestClient) -> None:
    assert client.patch("/projects/4242", json={"name": "x"}).status_code == 404


def test_delete_removes_the_project(client: TestClient, project: Json) -> None:
    url = f"/projects/{project['id']}"
    response = client.delete(url)
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_delete_cascades_to_the_project_rows(client: TestClient, project: Json) -> None:
    job = client.post(
        "/ai-jobs",
        json={"project_id": project["id"], "job_type": "review", "prompt": "Look."},
    ).json()
    assert client.delete(f"/projects/{project['id']}").status_code == 204
    assert client.get(f"/ai-jobs/{job['id']}").status_code == 404


def sample(field: dict, variant: int) -> object:
    """A valid value for a domain field; ``variant`` picks one of several."""
    kind = field["type"]
    if kind == "url":
        return f"https://example.com/{field['name']}/{variant}"
    if kind in ("string", "text"):
        assert "pattern" not in field, "add a sample for this pattern"
        length = max(field.get("min_length", 1), 1)
        return (f"{field['name']}-{variant}-" * length)[: field["max_length"]]
    if kind == "integer":
        return field.get("ge", 0) + variant
    if kind == "boolean":
        return variant % 2 == 1
    if kind == "enum":
        values = DOMAIN["enums"][field["enum"]]["values"]
        return values[variant % len(values)]
    raise AssertionError(f"no sample for a {kind} field")


def test_every_domain_field_reaches_the_api(client: TestClient, user: Json) -> None:
    """Whatever the domain lists for projects, create and PATCH carry it through."""
    fields = DOMAIN["entities"]["project"]["fields"]
    body = {}
    for field in fields:
        if "create" not in field.get("expose", []):
            continue
        if field["type"] == "reference":
            assert field["references"] == "user"
            body[field["name"]] = user["id"]
        else:
            body[field["name"]] = sample(field, 1)
    created = client.post("/projects", json=body)
    assert created.status_code == 201, created.text
    for name, value in body.items():
        assert created.json()[name] == value, name

    url = f"/projects/{created.json()['id']}"
    for field in fields:
        if "update" not in field.get("expose", []):
            continue
        value = sample(field, 2)
        patched = client.patch(url, json={field["name"]: value})
        assert patched.status_code == 200, patched.text
        assert patched.json()[field["name"]] == value, field["name"]
        assert client.get(url).json()[field["name"]] == value, field["name"]


@pytest.mark.parametrize(
    "url",
    [
        "https://user:secret@git.example.com/ada/engine.git",
        "https://token@git.example.com/ada/engine.git",
        "https://:secret@git.example.com/ada/engine.git",
        "https://git.example.com@evil.example.com/x.git",
        "http://git.example.com/ada/engine.git",
        "ssh://git@git.example.com/ada/engine.git",
        "git@git.example.com:ada/engine.git",
        "git://git.example.com/ada/engine.git",
        "https://",
        "https:///path",
        "https://git.example.com/with space",
        "https://git.example.com/\u00e9",
    ],
)
def test_repo_urls_with_credentials_or_other_schemes_are_refused(
    client: TestClient, user: Json, project: Json, url: str
) -> None:
    body = {"name": "p", "owner_id": user["id"], "repo_url": url}
    assert client.post("/projects", json=body).status_code == 422
    patch = client.patch(f"/projects/{project['id']}", json={"repo_url": url})
    assert patch.status_code == 422
    assert client.get(f"/projects/{project['id']}").json()["repo_url"] is None


@pytest.mark.parametrize(
    "url",
    [
        "https://git.example.com/ada/engine.git",
        "https://git.example.com:8443/ada/engine.git",
        "https://git.example.com/@scope/package",
        "https://[2001:db8::1]/ada/engine.git",
        "https://localhost/r?ref=main#readme",
        "https://git.example.com",
    ],
)
def test_plain_https_repo_urls_are_accepted(
    client: TestClient, user: Json, url: str
) -> None:
    body = {"name": "p", "owner_id": user["id"], "repo_url": url}
    response = client.post("/projects", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["repo_url"] == url


def test_the_repo_url_schema_says_why(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    variants = schemas["ProjectCreate"]["properties"]["repo_url"]["anyOf"]
    (url,) = [v for v in variants if v.get("type") == "string"]
    assert url["pattern"].startswith("^https://")
    description = schemas["ProjectCreate"]["properties"]["repo_url"]["description"]
    assert "Only https, and no user info" in description

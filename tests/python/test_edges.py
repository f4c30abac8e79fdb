"""Input the database cannot hold is a 422, never a 500: NUL characters,
whitespace-only names, ids that are not JSON integers, nulls for fields that
cannot be null."""

import pytest
from fastapi.testclient import TestClient

Json = dict[str, object]

NUL = "a\x00b"


def bodies(user: Json, project: Json) -> dict[str, tuple[str, str, Json]]:
    """A valid body for every request that carries text, by name."""
    return {
        "register": (
            "POST",
            "/auth/register",
            {"email": "nul@example.com", "username": "nul", "password": "p" * 10},
        ),
        "login": (
            "POST",
            "/auth/login",
            {"email": "ada@example.com", "password": "correct horse battery"},
        ),
        "create project": (
            "POST",
            "/projects",
            {
                "name": "n",
                "description": "d",
                "owner_id": user["id"],
                "repo_url": "https://example.com/r.git",
            },
        ),
        "update project": (
            "PATCH",
            f"/projects/{project['id']}",
            {"name": "n", "description": "d", "repo_url": "https://example.com/r"},
        ),
        "create AI job": (
            "POST",
            "/ai-jobs",
            {"project_id": project["id"], "job_type": "review", "prompt": "p"},
        ),
    }


def spoil(value: object, bad: str) -> str:
    """``value`` with ``bad`` in it, still shaped as its field expects."""
    assert isinstance(value, str)
    if "@" in value and not value.startswith("https://"):
        local, domain = value.split("@")
        return f"{local}{bad}@{domain}"
    return value + bad


def test_text_with_nul_is_invalid(
    client: TestClient, user: Json, project: Json
) -> None:
    for name, (method, path, body) in bodies(user, project).items():
        for field, value in body.items():
            if not isinstance(value, str) or field == "job_type":
                continue
            spoiled = {**body, field: spoil(value, NUL)}
            response = client.request(method, path, json=spoiled)
            assert response.status_code == 422, (name, field, response.text)
        # The untouched body is fine, so the 422s were the NUL's.
        assert client.request(method, path, json=body).status_code < 300, name


@pytest.mark.parametrize("blank", [" ", "   ", "\t\n", "\u3000\u00a0"])
def test_whitespace_only_names_and_prompts_are_invalid(
    client: TestClient, user: Json, project: Json, blank: str
) -> None:
    create = {"name": blank, "owner_id": user["id"]}
    assert client.post("/projects", json=create).status_code == 422
    patch = client.patch(f"/projects/{project['id']}", json={"name": blank})
    assert patch.status_code == 422
    job = {"project_id": project["id"], "job_type": "review", "prompt": blank}
    assert client.post("/ai-jobs", json=job).status_code == 422
    assert client.get(f"/projects/{project['id']}").json() == project


def test_names_with_spaces_around_them_are_kept(client: TestClient, user: Json) -> None:
    response = client.post(
        "/projects", json={"name": " Engine ", "owner_id": user["id"]}
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == " Engine "


@pytest.mark.parametrize("bad_id", [True, False, "1", 1.0, [1], {"id": 1}])
def test_ids_in_bodies_are_json_integers(
    client: TestClient, user: Json, project: Json, bad_id: object
) -> None:
    # Both are 1, so that `true` and "1", taken as ids, would find them.
    assert user["id"] == 1
    assert project["id"] == 1
    requests = [
        ("/projects", {"name": "p", "owner_id": bad_id}),
        ("/ai-jobs", {"project_id": bad_id, "job_type": "review", "prompt": "p"}),
        ("/preview/sessions", {"project_id": bad_id, "platform": "web"}),
    ]
    for path, body in requests:
        response = client.post(path, json=body)
        assert response.status_code == 422, (path, body, response.text)


def test_ids_in_paths_and_queries_are_still_parsed(
    client: TestClient, project: Json
) -> None:
    assert client.get(f"/projects/{project['id']}").status_code == 200
    listed = client.get("/projects", params={"owner_id": str(project["owner_id"])})
    assert [p["id"] for p in listed.json()] == [project["id"]]


def property_schema(client: TestClient, schema: str, name: str) -> dict:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    return schemas[schema]["properties"][name]


def allows_null(prop: dict) -> bool:
    variants = prop.get("anyOf", [prop])
    return any(variant.get("type") == "null" for variant in variants)


def test_update_fields_that_cannot_be_null_are_not_nullable(
    client: TestClient,
) -> None:
    from conftest import DOMAIN

    for field in DOMAIN["entities"]["project"]["fields"]:
        if "update" not in field.get("expose", []):
            continue
        prop = property_schema(client, "ProjectUpdate", field["name"])
        assert allows_null(prop) == (not field.get("required", True)), field["name"]
        assert "default" not in prop, field["name"]
    name = property_schema(client, "ProjectUpdate", "name")
    assert name["type"] == "string"


def test_null_for_a_name_is_refused_and_leaving_it_out_is_not(
    client: TestClient, project: Json
) -> None:
    url = f"/projects/{project['id']}"
    assert client.patch(url, json={"name": None}).status_code == 422
    unchanged = client.patch(url, json={})
    assert unchanged.status_code == 200
    assert unchanged.json() == project


def test_the_documented_request_schemas_forbid_nul(client: TestClient) -> None:
    prop = property_schema(client, "ProjectCreate", "name")
    assert prop["pattern"] == "^[^\\x00]*$"

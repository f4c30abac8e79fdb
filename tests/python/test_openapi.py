"""The API surface: exactly the Phase D table, and schemas that follow the domain."""

from fastapi.testclient import TestClient

from conftest import DOMAIN

EXPECTED = {
    ("/auth/register", "post"): "201",
    ("/auth/login", "post"): "200",
    ("/projects", "post"): "201",
    ("/projects", "get"): "200",
    ("/projects/{project_id}", "get"): "200",
    ("/projects/{project_id}", "patch"): "200",
    ("/projects/{project_id}", "delete"): "204",
    ("/ai-jobs", "post"): "202",
    ("/ai-jobs/{job_id}", "get"): "200",
    ("/preview/sessions", "post"): "201",
    ("/preview/sessions/{session_id}", "get"): "200",
    ("/notifications", "get"): "200",
    ("/notifications/{notification_id}", "get"): "200",
}

# Error statuses each operation documents: its own; 400 for a body whose bytes
# are not text (FastAPI's, on every operation with a body); FastAPI's 422 for
# any operation that takes parameters or a body.
ERRORS = {
    ("/auth/register", "post"): {"400", "409", "422"},
    ("/auth/login", "post"): {"400", "401", "422", "429"},
    ("/projects", "post"): {"400", "404", "422"},
    ("/projects", "get"): {"422"},
    ("/projects/{project_id}", "get"): {"404", "422"},
    ("/projects/{project_id}", "patch"): {"400", "404", "422"},
    ("/projects/{project_id}", "delete"): {"404", "422"},
    ("/ai-jobs", "post"): {"400", "404", "422"},
    ("/ai-jobs/{job_id}", "get"): {"404", "422"},
    ("/preview/sessions", "post"): {"400", "404", "422"},
    ("/preview/sessions/{session_id}", "get"): {"404", "422"},
    ("/notifications", "get"): {"422"},
    ("/notifications/{notification_id}", "get"): {"404", "422"},
}

READ_SCHEMAS = {
    "user": "UserRead",
    "project": "ProjectRead",
    "ai_job": "AIJobRead",
    "preview_session": "PreviewSessionRead",
    "notification": "NotificationRead",
}
CREATE_SCHEMAS = {
    "user": "UserCreate",
    "project": "ProjectCreate",
    "ai_job": "AIJobCreate",
    "preview_session": "PreviewSessionCreate",
}
UPDATE_SCHEMAS = {"project": "ProjectUpdate"}


def domain() -> dict:
    return DOMAIN


def openapi(client: TestClient) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_paths_and_methods_are_exactly_the_table(client: TestClient) -> None:
    document = openapi(client)
    found = {
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
    }
    assert found == set(EXPECTED)


def test_success_statuses_are_documented(client: TestClient) -> None:
    document = openapi(client)
    for (path, method), status in EXPECTED.items():
        responses = document["paths"][path][method]["responses"]
        assert status in responses, (path, method, sorted(responses))


def test_error_statuses_are_documented(client: TestClient) -> None:
    document = openapi(client)
    for (path, method), errors in ERRORS.items():
        responses = document["paths"][path][method]["responses"]
        documented = {status for status in responses if status >= "400"}
        assert documented == errors, (path, method)
        for status in errors - {"400", "422"}:
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
        if "400" in errors:
            schema = responses["400"]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/UndecodableBodyResponse"}


def test_every_operation_with_a_body_documents_the_400(client: TestClient) -> None:
    for path, operations in openapi(client)["paths"].items():
        for method, operation in operations.items():
            has_body = "requestBody" in operation
            assert ("400" in operation["responses"]) == has_body, (path, method)


def test_an_undecodable_body_is_the_documented_400(
    client: TestClient, user: dict
) -> None:
    # A '{' makes the body UTF-8 to the JSON decoder, and \xff is not UTF-8.
    garbage = b'{"name": "\xff"}'
    headers = {"content-type": "application/json"}
    for method, path in [
        ("POST", "/auth/register"),
        ("POST", "/auth/login"),
        ("POST", "/projects"),
        ("PATCH", "/projects/1"),
        ("POST", "/ai-jobs"),
        ("POST", "/preview/sessions"),
    ]:
        response = client.request(method, path, content=garbage, headers=headers)
        assert response.status_code == 400, (method, path, response.text)
        assert response.json() == {"detail": "There was an error parsing the body"}


def test_the_429_documents_retry_after(client: TestClient) -> None:
    responses = openapi(client)["paths"]["/auth/login"]["post"]["responses"]
    header = responses["429"]["headers"]["Retry-After"]
    assert header["schema"] == {"type": "integer", "minimum": 1}


def test_the_description_says_there_is_no_authentication(client: TestClient) -> None:
    description = openapi(client)["info"]["description"]
    assert "No authentication until Phase K" in description
    assert "any caller can act for any user" in description


def test_docs_routes_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/redoc").status_code == 200


def exposed(entity: dict, exposure: str) -> list[str]:
    return [f["name"] for f in entity["fields"] if exposure in f.get("expose", [])]


def test_read_schemas_hold_the_domain_fields(client: TestClient) -> None:
    schemas = openapi(client)["components"]["schemas"]
    entities = domain()["entities"]
    for entity_name, schema_name in READ_SCHEMAS.items():
        properties = list(schemas[schema_name]["properties"])
        expected = ["id", *exposed(entities[entity_name], "read"), "created_at"]
        assert properties == expected, schema_name


def test_request_schemas_hold_the_domain_fields(client: TestClient) -> None:
    schemas = openapi(client)["components"]["schemas"]
    entities = domain()["entities"]
    for entity_name, schema_name in CREATE_SCHEMAS.items():
        properties = list(schemas[schema_name]["properties"])
        assert properties == exposed(entities[entity_name], "create"), schema_name
    for entity_name, schema_name in UPDATE_SCHEMAS.items():
        properties = list(schemas[schema_name]["properties"])
        assert properties == exposed(entities[entity_name], "update"), schema_name


def test_secrets_never_reach_a_read_schema(client: TestClient) -> None:
    schemas = openapi(client)["components"]["schemas"]
    for schema_name in READ_SCHEMAS.values():
        for prop in schemas[schema_name]["properties"]:
            assert "password" not in prop, (schema_name, prop)


def test_enums_follow_the_domain(client: TestClient) -> None:
    schemas = openapi(client)["components"]["schemas"]
    for definition in domain()["enums"].values():
        assert schemas[definition["class"]]["enum"] == definition["values"]


def test_field_constraints_follow_the_domain(client: TestClient) -> None:
    schemas = openapi(client)["components"]["schemas"]
    entities = domain()["entities"]
    for entity_name, schema_name in CREATE_SCHEMAS.items():
        properties = schemas[schema_name]["properties"]
        for field in entities[entity_name]["fields"]:
            if "create" not in field.get("expose", []):
                continue
            prop = properties[field["name"]]
            variants = prop.get("anyOf", [prop])
            merged: dict = {}
            for variant in variants:
                merged.update(variant)
            for key, openapi_key in [
                ("min_length", "minLength"),
                ("max_length", "maxLength"),
                ("pattern", "pattern"),
                ("ge", "minimum"),
                ("le", "maximum"),
            ]:
                if key in field:
                    assert merged.get(openapi_key) == field[key], (
                        schema_name,
                        field["name"],
                        key,
                    )

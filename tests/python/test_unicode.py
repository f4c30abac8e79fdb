"""A lone UTF-16 surrogate in a request body is a 422 whose body is JSON, never a
500; U+FFFD and characters outside the BMP are text like any other.

A JSON string may escape half of a surrogate pair on its own (the six characters
backslash, ``u``, ``d800``), or carry its three CESU-8 bytes, which Python's JSON
decoder takes too. Either way Python holds a code point that is no character and
that UTF-8 cannot encode: pydantic refuses it, and a 422 that echoed it as sent
could not be written, so it became a 500. The bodies are sent as raw bytes,
since a client that encodes as UTF-8 could not send them at all.
"""

import json

import pytest
from fastapi.testclient import TestClient

from conftest import DOMAIN
from test_edges import bodies, spoil

Json = dict[str, object]

TEXT_TYPES = {"string", "text", "email", "url", "password"}
"""The domain's field types that a request takes as a JSON string."""

LONE = ["\ud800", "\udfff", "\udc00\ud800"]
"""A high half alone, a low half alone, and a pair in the wrong order."""

HEADERS = {"content-type": "application/json"}


def escaped(body: object) -> bytes:
    """``body`` as JSON with every surrogate escaped (``\\ud800``), as ASCII."""
    return json.dumps(body).encode("ascii")


def cesu(body: object) -> bytes:
    """``body`` as JSON with every surrogate in its three bytes (ED A0 80)."""
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


ENCODINGS = {"escaped": escaped, "cesu": cesu}


SAMPLES: dict[str, object] = {
    "boolean": False,
    "integer": 1,
    "string": "s",
    "text": "t",
    "url": "https://example.com/u",
}
"""A valid value by field type, for a field the domain adds beyond the shipped one."""


def requests(user: Json, project: Json) -> dict[str, tuple[str, str, str, Json]]:
    """Every request that carries a body, by name: method, path, the exposure of
    its schema (``entity.mode``), and a valid body with every field the schema has
    (the sign-in is ``user``'s); a field the domain adds gets a sample of its type."""
    table = _shipped(user, project)
    for _, _, exposure, body in table.values():
        entity, mode = exposure.split(".")
        for field in DOMAIN["entities"][entity]["fields"]:
            if mode in field.get("expose", []) and field["name"] not in body:
                body[field["name"]] = SAMPLES[field["type"]]
    return table


EXPOSURES = {
    "register": "user.create",
    "login": "user.login",
    "create project": "project.create",
    "update project": "project.update",
    "create AI job": "ai_job.create",
    "open preview session": "preview_session.create",
}
"""The schema (``entity.mode``) of each request body."""


def _shipped(user: Json, project: Json) -> dict[str, tuple[str, str, str, Json]]:
    """The bodies of the shipped domain (the NUL tests' table, and the preview
    session's, which holds no free text), with the exposure of each schema."""
    table = {
        **bodies(user, project),
        "open preview session": (
            "POST",
            "/preview/sessions",
            {"project_id": project["id"], "platform": "web"},
        ),
    }
    return {
        name: (method, path, EXPOSURES[name], body)
        for name, (method, path, body) in table.items()
    }


def assert_printable_422(response, loc: list[object], context: object) -> None:
    """A 422 whose body is JSON (UTF-8), with an error at ``loc`` that shows
    U+FFFD where the lone surrogate was."""
    assert response.status_code == 422, (context, response.status_code)
    detail = json.loads(response.content.decode("utf-8"))["detail"]
    errors = [error for error in detail if error["loc"] == loc]
    assert errors, (context, detail)
    assert "\ufffd" in json.dumps(errors, ensure_ascii=False), (context, errors)


def test_the_table_has_every_body_and_every_text_field(
    client: TestClient, user: Json, project: Json
) -> None:
    table = requests(user, project)
    operations = client.get("/openapi.json").json()["paths"]
    with_body = {
        (method.upper(), path)
        for path, methods in operations.items()
        for method, operation in methods.items()
        if "requestBody" in operation
    }
    concrete = {
        (method, path.replace(str(project["id"]), "{project_id}"))
        for method, path, _, _ in table.values()
    }
    assert concrete == with_body
    for name, (_, _, exposure, body) in table.items():
        entity, mode = exposure.split(".")
        fields = DOMAIN["entities"][entity]["fields"]
        exposed = [f["name"] for f in fields if mode in f.get("expose", [])]
        assert sorted(body) == sorted(exposed), name


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("lone", LONE, ids=["high", "low", "reversed"])
def test_a_lone_surrogate_in_text_is_a_json_422(
    client: TestClient, user: Json, project: Json, lone: str, encoding: str
) -> None:
    encode = ENCODINGS[encoding]
    for name, (method, path, exposure, body) in requests(user, project).items():
        entity, mode = exposure.split(".")
        types = {f["name"]: f["type"] for f in DOMAIN["entities"][entity]["fields"]}
        for field, value in body.items():
            if types[field] not in TEXT_TYPES:
                continue
            assert isinstance(value, str)
            spoiled = {**body, field: spoil(value, lone)}
            response = client.request(
                method, path, content=encode(spoiled), headers=HEADERS
            )
            assert_printable_422(response, ["body", field], (name, field))
        # The untouched body is fine, so the 422s were the surrogate's.
        response = client.request(method, path, content=encode(body), headers=HEADERS)
        assert response.status_code < 300, (name, response.text)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_lone_surrogate_anywhere_in_a_body_is_a_json_422(
    client: TestClient, user: Json, project: Json, encoding: str
) -> None:
    """Not only in text: a key, an id, an enum, a nested value, the whole body."""
    encode = ENCODINGS[encoding]
    for name, (method, path, _, body) in requests(user, project).items():
        cases: list[tuple[object, list[object]]] = [
            ({**body, "x\ud800": 1}, ["body", "x\ufffd"]),
            ({"\udfff": "\ud800"}, ["body", "\ufffd"]),
            ("\ud800", ["body"]),
            (["\ud800", {"\udc00": "x"}], ["body"]),
        ]
        for field in body:
            cases.append(({**body, field: "\ud800"}, ["body", field]))
            cases.append(({**body, field: [[{"k": "\ud800"}]]}, ["body", field]))
        for spoiled, loc in cases:
            response = client.request(
                method, path, content=encode(spoiled), headers=HEADERS
            )
            assert_printable_422(response, loc, (name, spoiled))


def test_a_lone_surrogate_deep_in_a_body_is_a_json_422(
    client: TestClient, user: Json
) -> None:
    # Deeper than a walk that recursed could go (two frames a level, a thousand
    # frames in all), but short of where the 422 itself no longer encodes (some
    # 950 levels, whatever the text: the JSON encoder recurses).
    deep: object = "\ud800"
    for _ in range(800):
        deep = [deep]
    body = {"name": deep, "owner_id": user["id"]}
    response = client.post("/projects", content=escaped(body), headers=HEADERS)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


# U+FFFD itself, as an escape and as UTF-8; then characters outside the BMP, as
# an escaped surrogate pair (which JSON decodes to one character) and as UTF-8.
TEXT = {
    "escaped replacement": (b"\\ufffd", "\ufffd"),
    "replacement": ("\ufffd".encode(), "\ufffd"),
    "escaped pair": (b"\\ud83d\\udc1d", "\U0001f41d"),
    "astral": ("\U0001f41d".encode(), "\U0001f41d"),
}


@pytest.mark.parametrize(("raw", "char"), TEXT.values(), ids=TEXT.keys())
def test_a_real_character_near_the_surrogates_is_text(
    client: TestClient, user: Json, raw: bytes, char: str
) -> None:
    def send(method: str, path: str, template: bytes):
        return client.request(
            method, path, content=template.replace(b"@C", raw), headers=HEADERS
        )

    password = f"password {char}"
    register = send(
        "POST",
        "/auth/register",
        b'{"email": "c@example.com", "username": "c_c", "password": "password @C"}',
    )
    assert register.status_code == 201, register.text
    login = send(
        "POST", "/auth/login", b'{"email": "c@example.com", "password": "password @C"}'
    )
    assert login.status_code == 200, login.text
    wrong = client.post(
        "/auth/login",
        json={"email": "c@example.com", "password": password.replace(char, "?")},
    )
    assert wrong.status_code == 401, wrong.text

    created = send(
        "POST",
        "/projects",
        b'{"name": "@C Engine", "description": "@C", "owner_id": %d}' % user["id"],
    )
    assert created.status_code == 201, created.text
    project = created.json()
    assert (project["name"], project["description"]) == (f"{char} Engine", char)
    assert client.get(f"/projects/{project['id']}").json() == project

    patched = send("PATCH", f"/projects/{project['id']}", b'{"name": "@C@C"}')
    assert patched.status_code == 200, patched.text
    assert patched.json()["name"] == char * 2
    assert client.get(f"/projects/{project['id']}").json()["name"] == char * 2

    job = send(
        "POST",
        "/ai-jobs",
        b'{"project_id": %d, "job_type": "review", "prompt": "@C"}' % project["id"],
    )
    assert job.status_code == 202, job.text
    assert job.json()["prompt"] == char
    assert client.get(f"/ai-jobs/{job.json()['id']}").json()["prompt"] == char

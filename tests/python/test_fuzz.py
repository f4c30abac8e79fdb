"""Schemathesis against the OpenAPI document: every operation, with generated
valid and invalid requests, answers as the document says it does.

The six checks of the issue that found the generated backend's defects (server
errors on PostgreSQL, undocumented statuses, booleans taken as ids). Examples
are bounded per operation so that the suite stays quick; a user and a project
with id 1 exist, so that generated ids (which favour small values) also reach
the success paths.
"""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.main import app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(autouse=True)
def _rows_to_find(client: TestClient, project: dict[str, object]) -> None:
    """A user and a project with id 1 (``project`` registers its owner)."""
    assert project["id"] == 1


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)

"""Fixtures for testing a HiveSync backend that hivegen generated.

The generated repository is named by ``HIVEGEN_TEST_REPO``; its ``backend/``
folder goes on ``sys.path`` so that ``import app`` finds the generated package.
``HIVEGEN_TEST_DOMAIN`` names the domain model it was generated from (default:
this repository's ``domain/hivesync.yaml``). Every test gets empty tables in a
throwaway SQLite database.
"""

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

_repo = os.environ.get("HIVEGEN_TEST_REPO")
if not _repo:
    raise pytest.UsageError(
        "set HIVEGEN_TEST_REPO to a repository laid by `hivegen phase c` and "
        "filled by `hivegen phase d` (`cargo test` does this for you)"
    )
REPO = Path(_repo).resolve()
BACKEND = REPO / "backend"

# The domain model the repository was generated from: the tests derive the
# expected schemas and fields from it.
DOMAIN_PATH = Path(
    os.environ.get(
        "HIVEGEN_TEST_DOMAIN",
        Path(__file__).resolve().parents[2] / "domain" / "hivesync.yaml",
    )
)
DOMAIN = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))

# Both must be in place before the first `import app`: the engine reads the URL
# when app.database is imported.
_DATABASE_DIR = tempfile.mkdtemp(prefix="hivesync-test-")
os.environ["HIVESYNC_DATABASE_URL"] = f"sqlite:///{_DATABASE_DIR}/hivesync.db"
sys.path.insert(0, str(BACKEND))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.database import SessionLocal, engine  # noqa: E402
from app.main import app  # noqa: E402
from app.models import Base  # noqa: E402


@pytest.fixture(autouse=True)
def _empty_tables() -> None:
    """Give every test freshly created, empty tables."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


@pytest.fixture
def client() -> Iterator[TestClient]:
    """A client for the application, with its lifespan run."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def db() -> Iterator[Session]:
    """A session on the test database, for arranging rows directly."""
    with SessionLocal() as session:
        yield session


@pytest.fixture
def user(client: TestClient) -> dict[str, object]:
    """A registered user, as the API returned it."""
    response = client.post(
        "/auth/register",
        json={
            "email": "ada@example.com",
            "username": "ada_l",
            "password": "correct horse battery",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def project(client: TestClient, user: dict[str, object]) -> dict[str, object]:
    """A project owned by ``user``, as the API returned it."""
    response = client.post(
        "/projects",
        json={"name": "Analytical Engine", "owner_id": user["id"]},
    )
    assert response.status_code == 201, response.text
    return response.json()

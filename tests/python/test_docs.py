"""What the scaffold tells its users: how to run on PostgreSQL, and what
Phase D cannot do (no authentication before Phase K)."""

import tomllib

from conftest import BACKEND, DATABASE, DATABASE_URL

README = (BACKEND / "README.md").read_text(encoding="utf-8")


def test_postgres_is_an_extra_of_the_backend() -> None:
    project = tomllib.loads((BACKEND / "pyproject.toml").read_text(encoding="utf-8"))
    extra = project["project"]["optional-dependencies"]["postgres"]
    assert [d for d in extra if d.startswith("psycopg[binary]")], extra


def test_the_readme_gives_the_postgresql_url_the_tests_use() -> None:
    assert "pip install -e '.[serve,postgres]'" in README
    assert "HIVESYNC_DATABASE_URL='postgresql+psycopg://" in README
    if DATABASE == "postgresql":
        assert DATABASE_URL.startswith("postgresql+psycopg://")


def test_the_readme_says_what_phase_d_cannot_do() -> None:
    assert "there is no authentication until Phase K" in README
    assert "any caller\ncan act for any user" in README
    assert "Phase K must add" in README


def test_the_readme_says_which_repo_urls_are_taken_and_why() -> None:
    assert "`repo_url` is an `https://` URL without user info" in README

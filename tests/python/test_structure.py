"""The Phase C tree, as Phase D leaves it: same files, every anchor filled."""

import re

from conftest import BACKEND, REPO

ANCHORS = {
    "app/main.py": "STRUCTURE",
    **{
        f"app/schemas/{m}.py": "STRUCTURE"
        for m in ["auth", "projects", "ai_jobs", "preview", "notifications"]
    },
    **{
        f"app/models/{m}.py": "STRUCTURE"
        for m in ["user", "project", "job", "preview", "comment", "notification"]
    },
    **{
        f"app/routing/{m}.py": "LOGIC"
        for m in ["auth", "projects", "ai_jobs", "preview", "notifications"]
    },
    **{
        f"app/services/{m}.py": "LOGIC"
        for m in ["repo_mirror", "preview_builder", "ai_pipeline"]
    },
    "app/utils/errors.py": "STRUCTURE",
    "app/utils/rate_limits.py": "STRUCTURE",
}


def anchor_body(text: str, name: str) -> str:
    match = re.search(
        rf"^# <!-- SECTION:{name} -->\n(.*?)^# <!-- /SECTION:{name}\b[^\n]*-->$",
        text,
        re.MULTILINE | re.DOTALL,
    )
    assert match, f"no closed {name} anchor"
    return match.group(1)


def test_every_named_file_has_its_anchor_filled() -> None:
    for rel, name in ANCHORS.items():
        text = (BACKEND / rel).read_text(encoding="utf-8")
        assert anchor_body(text, name).strip(), rel
        assert text.count("<!-- SECTION:") == 1, rel


def test_main_anchor_is_exactly_the_routing_lines() -> None:
    text = (BACKEND / "app/main.py").read_text(encoding="utf-8")
    assert anchor_body(text, "STRUCTURE").splitlines() == [
        "from .routing import auth, projects, ai_jobs, preview, notifications",
        "",
        "app.include_router(auth.router)",
        "app.include_router(projects.router)",
        "app.include_router(ai_jobs.router)",
        "app.include_router(preview.router)",
        "app.include_router(notifications.router)",
    ]


def test_packages_and_placeholders_exist() -> None:
    for package in [
        "app",
        *(f"app/{p}" for p in ["schemas", "models", "routing", "services", "utils"]),
    ]:
        assert (BACKEND / package / "__init__.py").is_file(), package
    assert (BACKEND / "pyproject.toml").is_file()
    assert (REPO / "desktop/README.md").is_file()
    assert (REPO / "mobile/README.md").is_file()


def test_phase_markers() -> None:
    marker = REPO / "docs/BUILD_PHASE_D_COMPLETE"
    assert marker.read_text(encoding="utf-8") == "PHASE D COMPLETE\n"
    assert (REPO / "docs/BUILD_PHASE_C_COMPLETE").is_file()

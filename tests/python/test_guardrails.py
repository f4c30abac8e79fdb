"""What Phase D forbids, checked on the generated code (not its comments or strings)."""

import ast
from pathlib import Path

from conftest import BACKEND

APP = BACKEND / "app"

FORBIDDEN_MODULES = {
    "subprocess": "no subprocesses",
    "git": "no git operations (Phase J)",
    "jwt": "no tokens (Phase K)",
    "jose": "no tokens (Phase K)",
    "passlib": "passwords use the stdlib",
    "openai": "no AI SDK (Phase F)",
    "anthropic": "no AI SDK (Phase F)",
    "celery": "no workers (Phase F)",
    "rq": "no workers (Phase F)",
    "requests": "no outgoing HTTP",
    "httpx": "no outgoing HTTP",
    "shutil": "no file system work",
    "pathlib": "no file system work",
    "alembic": "no migrations",
    "asyncio": "no async work",
}
FORBIDDEN_NAMES = {
    "relationship": "ORM relationships come in Phase E",
    "backref": "backrefs come in Phase E",
    "join": "no joins in Phase D",
    "outerjoin": "no joins in Phase D",
    "joinedload": "no joins in Phase D",
    "selectinload": "no eager loading in Phase D",
    "BackgroundTasks": "no background tasks",
    "WebSocket": "no websockets",
    "websocket": "no websockets",
    "EventSourceResponse": "no server-sent events",
    "StreamingResponse": "no live updates",
    "add_middleware": "no middleware (Phase J/K)",
    "middleware": "no middleware (Phase J/K)",
    "exception_handler": "no exception handlers (Phase J/K)",
    "add_exception_handler": "no exception handlers (Phase J/K)",
    "OAuth2PasswordBearer": "no OAuth2 (Phase K)",
    "HTTPBearer": "no tokens (Phase K)",
    "create_async_engine": "no async database",
    "AsyncSession": "no async database",
}


def python_files() -> list[Path]:
    return sorted(APP.rglob("*.py"))


def names_in(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.name.split(".")[-1])
    return found


def modules_in(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_no_forbidden_imports_or_names() -> None:
    problems = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(BACKEND)
        for module in modules_in(tree) & set(FORBIDDEN_MODULES):
            problems.append(f"{rel}: imports {module}: {FORBIDDEN_MODULES[module]}")
        for name in names_in(tree) & set(FORBIDDEN_NAMES):
            problems.append(f"{rel}: uses {name}: {FORBIDDEN_NAMES[name]}")
    assert not problems, "\n".join(problems)


def is_lifespan(node: ast.AsyncFunctionDef) -> bool:
    """An ``@asynccontextmanager`` that awaits nothing: an application lifespan."""
    decorators = {ast.unparse(d) for d in node.decorator_list}
    awaits = any(
        isinstance(n, ast.Await | ast.AsyncWith | ast.AsyncFor) for n in ast.walk(node)
    )
    return decorators == {"asynccontextmanager"} and not awaits


def test_no_async_code_outside_lifespans() -> None:
    lifespans = set()
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.AsyncFunctionDef):
                assert is_lifespan(node), (path, node.name)
                lifespans.add((path.name, node.name))
            assert not isinstance(node, ast.Await | ast.AsyncWith | ast.AsyncFor)
    # The scaffold's (tables) and the sign-in throttle's (fresh counts).
    assert lifespans == {("main.py", "lifespan"), ("auth.py", "_fresh_login_counts")}


def test_services_touch_no_files_or_processes() -> None:
    for path in sorted((APP / "services").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not {"os", "io", "tempfile"} & modules_in(tree), path
        assert "open" not in names_in(tree), path


def test_models_run_no_queries() -> None:
    for path in sorted((APP / "models").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = names_in(tree)
        assert not {"select", "query", "execute", "scalars", "Session"} & used, path

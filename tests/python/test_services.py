"""The repository mirror stubs."""

import pytest

from app.services import repo_mirror


def test_status_is_not_configured_until_phase_j() -> None:
    status = repo_mirror.get_mirror_status(7)
    assert status.project_id == 7
    assert status.state == repo_mirror.MirrorState.NOT_CONFIGURED
    assert status.last_synced_at is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: repo_mirror.register_mirror(1, "https://example.com/r.git"),
        lambda: repo_mirror.sync_mirror(1),
        lambda: repo_mirror.remove_mirror(1),
    ],
)
def test_mirror_operations_are_stubs(call) -> None:
    with pytest.raises(NotImplementedError):
        call()

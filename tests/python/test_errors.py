"""Domain errors and their mapping to HTTP."""

import pytest
from fastapi import HTTPException

from app.utils import errors
from app.utils.errors import HiveSyncError, to_http_exception


@pytest.mark.parametrize(
    ("error_class", "status", "code"),
    [
        (errors.InvalidRequestError, 422, "invalid_request"),
        (errors.UnauthorizedError, 401, "unauthorized"),
        (errors.ForbiddenError, 403, "forbidden"),
        (errors.NotFoundError, 404, "not_found"),
        (errors.ConflictError, 409, "conflict"),
    ],
)
def test_each_error_maps_to_its_status(
    error_class: type[HiveSyncError], status: int, code: str
) -> None:
    exception = to_http_exception(error_class("what happened"))
    assert isinstance(exception, HTTPException)
    assert exception.status_code == status
    assert exception.detail == {"code": code, "message": "what happened"}
    assert exception.headers is None


def test_base_error_is_a_500() -> None:
    error = HiveSyncError("boom")
    assert to_http_exception(error).status_code == 500
    assert str(error) == "boom"


def test_errors_are_exceptions_of_one_family() -> None:
    for name in ["NotFoundError", "ConflictError", "UnauthorizedError"]:
        assert issubclass(getattr(errors, name), HiveSyncError)

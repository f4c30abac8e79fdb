"""scrypt: OWASP's parameters, stored with each hash, and memory sized from them
so that hashes with a higher cost can be made and verified."""

import hashlib

import pytest

from app.routing import auth
from conftest import SHIPPED_SCRYPT_N


def test_the_shipped_parameters_are_owasps() -> None:
    # OWASP Password Storage Cheat Sheet: N=2**17, r=8, p=1.
    assert SHIPPED_SCRYPT_N == 2**17
    assert (auth.SCRYPT_R, auth.SCRYPT_P) == (8, 1)


def test_a_hash_made_with_n_2_17_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    # 128 MiB of scrypt memory: hashlib's default maxmem (32 MiB) refuses it.
    monkeypatch.setattr(auth, "SCRYPT_N", 2**17)
    stored = auth.hash_password("s3cret-enough")
    assert stored.startswith("scrypt$131072$8$1$")
    assert auth.verify_password("s3cret-enough", stored)
    assert not auth.verify_password("s3cret-enougH", stored)


def test_a_hash_made_elsewhere_with_n_2_17_verifies() -> None:
    salt = b"0123456789abcdef"
    n, r, p = 2**17, 8, 1
    key = hashlib.scrypt(
        b"made elsewhere", salt=salt, n=n, r=r, p=p, dklen=32, maxmem=2**28
    )
    stored = f"scrypt${n}${r}${p}${salt.hex()}${key.hex()}"
    assert auth.verify_password("made elsewhere", stored)


def test_raising_n_keeps_older_hashes_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "SCRYPT_N", 2**14)
    older = auth.hash_password("kept across upgrades")
    monkeypatch.setattr(auth, "SCRYPT_N", 2**17)
    newer = auth.hash_password("kept across upgrades")
    assert older.split("$")[1] == "16384"
    assert newer.split("$")[1] == "131072"
    assert auth.verify_password("kept across upgrades", older)
    assert auth.verify_password("kept across upgrades", newer)


@pytest.mark.parametrize(
    "stored",
    [
        "scrypt$1000$8$1$00$00",  # N is not a power of two
        "scrypt$16384$8$1$zz$00",  # salt is not hex
        "bcrypt$16384$8$1$00$00",
        "scrypt$16384$8$1$00",
        "",
    ],
)
def test_malformed_hashes_never_verify(stored: str) -> None:
    assert not auth.verify_password("anything", stored)

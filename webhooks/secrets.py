"""Webhook secrets: made in the Standard Webhooks form (`whsec_` + base64 of 24 random bytes),
shown once, and kept encrypted with Fernet (AES + HMAC, from `cryptography`). Signing and
verifying need the secret itself, so a hash would not do; the key lives outside the database
(KAOPING_SECRET_KEY, or a key file beside the data, created on first use, readable by the owner
only), so a copy of the database alone reveals no secret."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class SecretBox:
    def __init__(self, key: str | bytes):
        self._fernet = Fernet(key)

    @classmethod
    def from_settings(cls, settings) -> SecretBox:
        return cls(cls.key_material(settings))

    @staticmethod
    def key_material(settings) -> str:
        """KAOPING_SECRET_KEY, or the key file beside the data (made on first use)."""
        return settings.secret_key or _key_file(settings.secret_key_file).decode()

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise RuntimeError(
                "a stored webhook secret does not open with this key (KAOPING_SECRET_KEY changed?)"
            ) from None


def _key_file(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key

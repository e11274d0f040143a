"""Local signing keys and token minting, for the demo, tests and ``casegraph token``.

Production tokens come from the organisation's OAuth server; Case Graph only verifies
them. Locally, ``casegraph demo`` creates an RSA key pair and its JWKS in ``.casegraph/``
and GraphiQL is preloaded with a token minted here. Claims follow HMPPS Auth:
``user_name`` (absent for client-credentials tokens), ``client_id``, ``authorities``
(roles), and ``provider`` for partner clients.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

DEFAULT_KEY_FOLDER = Path(".casegraph") / "keys"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """An RSA private key with its key id."""

    kid: str
    private_pem: bytes

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh 2048-bit RSA key."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return cls(kid=uuid.uuid4().hex[:16], private_pem=pem)

    def public_jwk(self) -> dict[str, str]:
        """The public half as a JWK."""
        private = serialization.load_pem_private_key(self.private_pem, password=None)
        assert isinstance(private, rsa.RSAPrivateKey)
        jwk: dict[str, str] = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """A JWKS document holding this key."""
        return {"keys": [self.public_jwk()]}

    def mint(
        self,
        *,
        issuer: str,
        audience: str,
        client_id: str,
        username: str | None = None,
        roles: Iterable[str] = (),
        provider: str | None = None,
        lifetime: int = 3600,
    ) -> str:
        """A signed RS256 access token."""
        now = int(time.time())
        claims: dict[str, object] = {
            "iss": issuer,
            "aud": audience,
            "sub": username or client_id,
            "client_id": client_id,
            "authorities": sorted(roles),
            "iat": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
        }
        if username is not None:
            claims["user_name"] = username
        if provider is not None:
            claims["provider"] = provider
        return jwt.encode(claims, self.private_pem, algorithm="RS256", headers={"kid": self.kid})


def save_key(key: SigningKey, folder: Path = DEFAULT_KEY_FOLDER) -> Path:
    """Write the private key and the JWKS; returns the JWKS path."""
    folder.mkdir(parents=True, exist_ok=True)
    private = folder / "private.pem"
    private.write_bytes(key.private_pem)
    private.chmod(0o600)
    (folder / "kid").write_text(key.kid)
    jwks = folder / "jwks.json"
    jwks.write_text(json.dumps(key.jwks(), indent=2))
    return jwks


def load_key(folder: Path = DEFAULT_KEY_FOLDER) -> SigningKey:
    """The key saved by ``save_key``."""
    return SigningKey(
        kid=(folder / "kid").read_text().strip(), private_pem=(folder / "private.pem").read_bytes()
    )


def load_or_create_key(folder: Path = DEFAULT_KEY_FOLDER) -> tuple[SigningKey, Path]:
    """The local key (created on first use) and its JWKS path."""
    if (folder / "private.pem").exists() and (folder / "kid").exists():
        return load_key(folder), folder / "jwks.json"
    key = SigningKey.generate()
    return key, save_key(key, folder)

"""Roles, identities and signed bearer tokens (no HTTP here: see ``auth.dependencies``).

Why signed tokens (JWT, HS256) rather than API keys stored hashed: a token carries who the caller
is (``sub``), what they may do (``roles``), for whom it was made (``aud``) and until when
(``exp``), so checking one is a signature check and a few comparisons, with no table to read on
every request and nothing to migrate. The price is revocation: a token stays valid until it
expires, so lifetimes are short (an hour by default) and rotating the secret revokes them all.
API keys are the better choice for long-lived machine clients that must be revoked one by one.

Roles are ordered, each holding the rights of those below it::

    reader < editor < reviewer < admin

PyJWT checks the signature, the algorithm, the audience and which claims are present. The time
claims are checked here against the injected ``now`` (PyJWT reads the wall clock itself), so a
test or a notebook expires a token by moving its clock forward, never by waiting.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from tarento_lib import config
from tarento_lib._validate import (
    require_bool,
    require_callable,
    require_instance,
    require_number,
    require_str,
)

__all__ = [
    "ALGORITHM",
    "DEFAULT_AUDIENCE",
    "DEVELOPMENT_IDENTITIES",
    "DEVELOPMENT_SECRET",
    "MIN_SECRET_BYTES",
    "AuthConfigurationError",
    "AuthError",
    "Identity",
    "InvalidTokenError",
    "Role",
    "TokenAuthority",
    "resolve_authority",
]

ALGORITHM = "HS256"
"""The one algorithm tokens are signed and checked with (never taken from the token itself)."""
DEFAULT_AUDIENCE = "tarento-lab"
MIN_SECRET_BYTES = 32  # an HS256 key shorter than its 256-bit hash is weaker than the hash
DEVELOPMENT_SECRET = "tarento-lab development key: public, never use it in production"
"""Published on purpose, so notebooks and tests mint tokens offline; refused in production."""


class AuthError(Exception):
    """Base class of every error this package raises on purpose."""


class AuthConfigurationError(AuthError, config.ConfigurationError):
    """A secret, audience or environment the package refuses to run with."""


class InvalidTokenError(AuthError):
    """A token that is missing a part, tampered with, expired, or made for another audience."""


class Role(enum.StrEnum):
    """What a caller may do; each role holds the rights of the roles before it."""

    READER = "reader"  # public reads (no token needed for those)
    EDITOR = "editor"  # create content and edit drafts
    REVIEWER = "reviewer"  # publish and unpublish (never their own last edit)
    ADMIN = "admin"  # delete, and everything else

    @property
    def rank(self) -> int:
        return list(Role).index(self)


@dataclass(frozen=True)
class Identity:
    """An authenticated caller: who (``subject``) and which roles."""

    subject: str
    roles: frozenset[Role]

    def holds(self, role: Role) -> bool:
        """Whether one of this caller's roles is ``role`` or ranks above it."""
        return any(own.rank >= role.rank for own in self.roles)


def _identity(subject: str, *roles: Role) -> Identity:
    return Identity(subject, frozenset(roles))


DEVELOPMENT_IDENTITIES: Mapping[str, Identity] = {
    "reader": _identity("dev-reader", Role.READER),
    "editor": _identity("dev-editor", Role.EDITOR),
    "editor2": _identity("dev-editor-2", Role.EDITOR),
    "reviewer": _identity("dev-reviewer", Role.REVIEWER),
    "reviewer2": _identity("dev-reviewer-2", Role.REVIEWER),
    "admin": _identity("dev-admin", Role.ADMIN),
}
"""The documented identities a development authority mints tokens for, by name."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class TokenAuthority:
    """Issues and verifies the API's bearer tokens with one secret, for one audience.

    >>> authority = TokenAuthority.development()
    >>> authority.verify(authority.issue_for("editor")).subject
    'dev-editor'
    """

    def __init__(
        self,
        secret: str,
        *,
        audience: str = DEFAULT_AUDIENCE,
        lifetime: float = 3600.0,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        secret = require_str(secret, "secret", non_empty=True)
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise AuthConfigurationError(
                f"secret must be at least {MIN_SECRET_BYTES} bytes, got {len(secret.encode())}"
            )
        self._secret = secret
        self.audience = require_str(audience, "audience", non_empty=True)
        self.lifetime = require_number(lifetime, "lifetime", minimum=0, min_inclusive=False)
        self.now = require_callable(now, "now")

    @classmethod
    def development(cls, *, now: Callable[[], datetime] = _utcnow) -> TokenAuthority:
        """The embedded default: the public development secret (for notebooks and tests)."""
        return cls(DEVELOPMENT_SECRET, now=now)

    @classmethod
    def from_settings(
        cls, settings: config.Settings | None = None, *, now: Callable[[], datetime] = _utcnow
    ) -> TokenAuthority:
        """The authority ``TARENTO_AUTH_SECRET``, ``TARENTO_AUTH_AUDIENCE`` and ``TARENTO_ENV``
        describe; in production a missing secret, or the development one, is refused."""
        read = config.settings() if settings is None else settings
        secret = read.auth_secret or DEVELOPMENT_SECRET
        authority = cls(secret, audience=read.auth_audience or DEFAULT_AUDIENCE, now=now)
        if read.production:
            authority.refuse_development_credentials()
        return authority

    @property
    def is_development(self) -> bool:
        """Whether anyone can mint this authority's tokens (its secret is the published one)."""
        return self._secret == DEVELOPMENT_SECRET

    def refuse_development_credentials(self) -> None:
        """Raise :class:`AuthConfigurationError` if this authority uses the development secret."""
        if self.is_development:
            raise AuthConfigurationError(
                f"production refuses the development credentials: set {config.AUTH_SECRET} to a "
                f"secret of at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)"
            )

    def issue(
        self, subject: str, roles: Iterable[Role | str], *, lifetime: float | None = None
    ) -> str:
        """A signed token for ``subject`` with ``roles``, valid for ``lifetime`` seconds."""
        require_str(subject, "subject", non_empty=True)
        names = sorted({Role(role).value for role in roles}, key=lambda name: Role(name).rank)
        seconds = self.lifetime if lifetime is None else require_number(lifetime, "lifetime")
        issued = self.now()
        claims = {
            "sub": subject,
            "roles": names,
            "aud": self.audience,
            "iat": issued,
            "exp": issued + timedelta(seconds=seconds),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def issue_for(self, name: str, *, lifetime: float | None = None) -> str:
        """A token for one of :data:`DEVELOPMENT_IDENTITIES` (development authorities only)."""
        if not self.is_development:
            raise AuthConfigurationError(
                "development identities exist only with the development secret"
            )
        identity = DEVELOPMENT_IDENTITIES[name]
        return self.issue(identity.subject, identity.roles, lifetime=lifetime)

    def verify(self, token: str) -> Identity:
        """The identity ``token`` proves, or :class:`InvalidTokenError` saying why not."""
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                options={
                    "require": ["sub", "roles", "aud", "iat", "exp"],
                    "verify_exp": False,  # checked below, on the injected clock
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.InvalidAudienceError:
            raise InvalidTokenError("the token was made for another audience") from None
        except jwt.MissingRequiredClaimError as error:
            raise InvalidTokenError(f"the token has no {error.claim!r} claim") from None
        except jwt.InvalidTokenError:
            raise InvalidTokenError(
                "the token is malformed or its signature does not match"
            ) from None
        self._check_times(claims)
        return Identity(claims["sub"], self._roles(claims["roles"]))

    def _check_times(self, claims: Mapping[str, Any]) -> None:
        now = self.now().timestamp()
        if not all(isinstance(claims[name], int | float) for name in ("iat", "exp")):
            raise InvalidTokenError("the token's iat and exp must be numbers")
        if claims["exp"] <= now:
            raise InvalidTokenError("the token has expired")
        if claims["iat"] > now + 60:  # a minute of clock skew between issuer and server
            raise InvalidTokenError("the token was issued in the future")

    @staticmethod
    def _roles(names: object) -> frozenset[Role]:
        known = {role.value for role in Role}
        if not isinstance(names, list) or not all(isinstance(n, str) and n in known for n in names):
            raise InvalidTokenError(
                f"the token's roles must be a list of {', '.join(sorted(known))}"
            )
        return frozenset(Role(name) for name in names)

    def __repr__(self) -> str:
        kind = "development" if self.is_development else "configured"
        return f"TokenAuthority({kind} secret, audience={self.audience!r})"


def resolve_authority(
    auth: TokenAuthority | None = None,
    *,
    production: bool | None = None,
    now: Callable[[], datetime] = _utcnow,
) -> TokenAuthority:
    """The authority an app factory installs: ``auth``, else the one the settings describe.

    ``production`` (default: whether ``TARENTO_ENV`` is ``production``) refuses an authority
    with the development secret, whoever built it.
    """
    authority = (
        TokenAuthority.from_settings(now=now)
        if auth is None
        else require_instance(auth, "auth", TokenAuthority)
    )
    if (
        config.settings().production
        if production is None
        else require_bool(production, "production")
    ):
        authority.refuse_development_credentials()
    return authority

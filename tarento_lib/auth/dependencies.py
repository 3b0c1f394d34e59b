"""FastAPI security dependencies: who is calling (401 if unknown), may they (403 if not).

Authentication and authorisation are two steps on purpose. :func:`current_identity` reads the
``Authorization: Bearer`` header through FastAPI's ``HTTPBearer`` (which also declares the
security scheme in OpenAPI) and verifies the token with the app's :class:`TokenAuthority`;
:func:`require_role` builds on it and only compares roles. An app opts in with
:func:`install_authority`, so the authority comes from the app factory, never from a global.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Request, Security, status
from fastapi.params import Security as SecurityParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from tarento_lib.auth.tokens import Identity, InvalidTokenError, Role, TokenAuthority

__all__ = [
    "CurrentIdentity",
    "auth_responses",
    "bearer_scheme",
    "current_identity",
    "get_authority",
    "install_authority",
    "require_role",
]

REALM = "tarento"

bearer_scheme = HTTPBearer(
    scheme_name="bearer",
    bearerFormat="JWT",
    description="A token from `tarento-lab token --role editor` (or your identity provider).",
    auto_error=False,  # a missing token gets the same 401 body and header as a bad one
)


def install_authority(app: FastAPI, authority: TokenAuthority) -> None:
    """Make ``authority`` the one that verifies the tokens sent to ``app``."""
    app.state.token_authority = authority


async def get_authority(request: Request) -> TokenAuthority:
    """The :class:`TokenAuthority` the app factory installed."""
    return request.app.state.token_authority


def _unauthorized(detail: str, challenge: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": challenge}
    )


async def current_identity(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> Identity:
    """The caller the bearer token proves, or a 401 with a ``WWW-Authenticate`` challenge."""
    if credentials is None:
        raise _unauthorized("a bearer token is required", f'Bearer realm="{REALM}"')
    try:
        return (await get_authority(request)).verify(credentials.credentials)
    except InvalidTokenError as error:
        challenge = f'Bearer realm="{REALM}", error="invalid_token", error_description="{error}"'
        raise _unauthorized(str(error), challenge) from None


CurrentIdentity = Annotated[Identity, Security(current_identity)]


def require_role(role: Role) -> SecurityParam:
    """A dependency giving the caller's :class:`Identity` if it holds ``role``, else a 403.

    Used as ``editor: Annotated[Identity, require_role(Role.EDITOR)]``.
    """
    role = Role(role)

    async def holding_role(identity: CurrentIdentity) -> Identity:
        if not identity.holds(role):
            held = ", ".join(sorted(identity.roles)) or "no role"
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"this needs the {role} role; {identity.subject} holds {held}",
            )
        return identity

    return Security(holding_role)


def auth_responses(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The 401 and 403 a protected route documents, with ``model`` as their body."""
    challenge = {
        "description": 'The scheme and why, e.g. Bearer realm="tarento", error="invalid_token"',
        "required": True,
        "schema": {"type": "string"},
    }
    return {
        401: {
            "model": model,
            "description": "No bearer token, or one that is malformed, tampered with, expired "
            "or made for another audience",
            "headers": {"WWW-Authenticate": challenge},
        },
        403: {"model": model, "description": "A valid token without the role this needs"},
    }

"""Who may write: bearer tokens, roles, and the FastAPI dependencies that check them.

``tokens`` (roles, identities, :class:`TokenAuthority`; no HTTP) · ``dependencies`` (FastAPI:
``current_identity`` answers 401, ``require_role`` answers 403). The content API and the job
API both use it through these names.
"""

from tarento_lib.auth.dependencies import (
    CurrentIdentity,
    auth_responses,
    bearer_scheme,
    current_identity,
    get_authority,
    install_authority,
    require_role,
)
from tarento_lib.auth.tokens import (
    ALGORITHM,
    DEFAULT_AUDIENCE,
    DEVELOPMENT_IDENTITIES,
    DEVELOPMENT_SECRET,
    MIN_SECRET_BYTES,
    AuthConfigurationError,
    AuthError,
    Identity,
    InvalidTokenError,
    Role,
    TokenAuthority,
    resolve_authority,
)

__all__ = [
    "ALGORITHM",
    "DEFAULT_AUDIENCE",
    "DEVELOPMENT_IDENTITIES",
    "DEVELOPMENT_SECRET",
    "MIN_SECRET_BYTES",
    "AuthConfigurationError",
    "AuthError",
    "CurrentIdentity",
    "Identity",
    "InvalidTokenError",
    "Role",
    "TokenAuthority",
    "auth_responses",
    "bearer_scheme",
    "current_identity",
    "get_authority",
    "install_authority",
    "require_role",
    "resolve_authority",
]

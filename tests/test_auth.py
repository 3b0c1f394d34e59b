"""Tokens, roles and the production switch of ``tarento_lib.auth`` (no HTTP: see tests/content)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tarento_lib import config
from tarento_lib.auth import (
    DEVELOPMENT_IDENTITIES,
    DEVELOPMENT_SECRET,
    AuthConfigurationError,
    Identity,
    InvalidTokenError,
    Role,
    TokenAuthority,
)
from tarento_lib.clock import FakeClock
from tarento_lib.content import create_app

SECRET = "a production secret of forty-odd bytes, from a vault"
AUTH_VARIABLES = (config.AUTH_SECRET, config.AUTH_AUDIENCE, config.ENVIRONMENT)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AUTH_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_roles_are_ordered_and_each_holds_the_ones_below() -> None:
    assert [role.value for role in sorted(Role, key=lambda r: r.rank)] == [
        "reader",
        "editor",
        "reviewer",
        "admin",
    ]
    reviewer = Identity("r", frozenset({Role.REVIEWER}))
    assert [reviewer.holds(role) for role in Role] == [True, True, True, False]
    assert not Identity("nobody", frozenset()).holds(Role.READER)


def test_a_token_round_trips_subject_and_roles() -> None:
    authority = TokenAuthority(SECRET)
    token = authority.issue("asha", ["reviewer", Role.EDITOR])
    assert authority.verify(token) == Identity("asha", frozenset({Role.REVIEWER, Role.EDITOR}))


def test_every_development_identity_can_be_minted() -> None:
    authority = TokenAuthority.development()
    for name, identity in DEVELOPMENT_IDENTITIES.items():
        assert authority.verify(authority.issue_for(name)) == identity
    assert {"reader", "editor", "reviewer", "admin"} <= DEVELOPMENT_IDENTITIES.keys()


def test_expiry_follows_the_injected_clock() -> None:
    clock = FakeClock(start=1_800_000_000.0)
    authority = TokenAuthority(
        SECRET, lifetime=30, now=lambda: datetime.fromtimestamp(clock.now(), UTC)
    )
    token = authority.issue("asha", [Role.EDITOR])
    clock.advance(29)
    assert authority.verify(token).subject == "asha"
    clock.advance(1)
    with pytest.raises(InvalidTokenError, match="expired"):
        authority.verify(token)


def test_a_token_from_the_future_is_refused() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    issuer = TokenAuthority(SECRET, now=lambda: moment + timedelta(hours=1))
    with pytest.raises(InvalidTokenError, match="future"):
        TokenAuthority(SECRET, now=lambda: moment).verify(issuer.issue("a", [Role.READER]))


@pytest.mark.parametrize(
    "verifier, message",
    [
        (TokenAuthority(SECRET, audience="another-api"), "audience"),
        (TokenAuthority(SECRET + "!"), "signature"),
    ],
)
def test_audience_and_signature_are_checked(verifier: TokenAuthority, message: str) -> None:
    with pytest.raises(InvalidTokenError, match=message):
        verifier.verify(TokenAuthority(SECRET).issue("a", [Role.ADMIN]))


def test_the_algorithm_comes_from_the_server_never_from_the_token() -> None:
    import jwt

    claims = {"sub": "a", "roles": ["admin"], "aud": "tarento-lab", "iat": 0, "exp": 2**40}
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(InvalidTokenError):
        TokenAuthority(SECRET).verify(unsigned)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"secret": "short"}, AuthConfigurationError),
        ({"secret": 42}, TypeError),
        ({"secret": SECRET, "audience": " "}, ValueError),
        ({"secret": SECRET, "lifetime": 0}, ValueError),
        ({"secret": SECRET, "now": "today"}, TypeError),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        TokenAuthority(**kwargs)


def test_development_identities_only_with_the_development_secret() -> None:
    with pytest.raises(AuthConfigurationError, match="development"):
        TokenAuthority(SECRET).issue_for("admin")


def test_the_secret_never_shows_in_a_repr() -> None:
    assert SECRET not in repr(TokenAuthority(SECRET))
    assert SECRET not in repr(config.settings({config.AUTH_SECRET: SECRET}))


# --- the production switch: explicit, and refusing development credentials


def test_settings_read_the_auth_variables() -> None:
    read = config.settings(
        {config.AUTH_SECRET: SECRET, config.AUTH_AUDIENCE: "cms", config.ENVIRONMENT: "production"}
    )
    assert (read.auth_secret, read.auth_audience, read.production) == (SECRET, "cms", True)
    assert not config.settings({}).production


def test_an_unknown_environment_is_refused_not_guessed() -> None:
    with pytest.raises(config.ConfigurationError, match="production"):
        _ = config.settings({config.ENVIRONMENT: "prod"}).production


def test_production_refuses_to_start_with_development_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(AuthConfigurationError, match=config.AUTH_SECRET):
        create_app("sqlite+aiosqlite://", production=True)
    with pytest.raises(AuthConfigurationError):
        create_app("sqlite+aiosqlite://", auth=TokenAuthority.development(), production=True)
    monkeypatch.setenv(config.ENVIRONMENT, "production")
    with pytest.raises(AuthConfigurationError):
        create_app("sqlite+aiosqlite://")
    monkeypatch.setenv(config.AUTH_SECRET, DEVELOPMENT_SECRET)
    with pytest.raises(AuthConfigurationError):
        create_app("sqlite+aiosqlite://")


def test_production_starts_with_a_real_secret_and_refuses_development_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(config.ENVIRONMENT, "production")
    monkeypatch.setenv(config.AUTH_SECRET, SECRET)
    monkeypatch.setenv(config.AUTH_AUDIENCE, "cms.example.gov.in")
    authority = create_app("sqlite+aiosqlite://").state.token_authority
    assert not authority.is_development and authority.audience == "cms.example.gov.in"
    with pytest.raises(InvalidTokenError):
        authority.verify(TokenAuthority.development().issue_for("admin"))


def test_development_is_the_default_and_works_offline() -> None:
    authority = create_app("sqlite+aiosqlite://").state.token_authority
    assert authority.is_development
    assert authority.verify(authority.issue_for("editor")).subject == "dev-editor"


def test_the_cli_mints_a_token_the_api_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    from tarento_lib.cli import main

    assert main(["token", "--role", "reviewer"]) == 0
    out, err = capsys.readouterr()
    identity = TokenAuthority.development().verify(out.strip())
    assert identity == Identity("dev-reviewer", frozenset({Role.REVIEWER}))
    assert "development key" in err


def test_the_cli_signs_with_the_configured_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tarento_lib.cli import main

    monkeypatch.setenv(config.ENVIRONMENT, "production")
    with pytest.raises(SystemExit, match=config.AUTH_SECRET):
        main(["token"])
    monkeypatch.setenv(config.AUTH_SECRET, SECRET)
    assert main(["token", "--role", "admin", "--subject", "asha", "--lifetime", "60"]) == 0
    token = capsys.readouterr().out.strip()
    assert TokenAuthority(SECRET).verify(token) == Identity("asha", frozenset({Role.ADMIN}))
    with pytest.raises(SystemExit, match="--role"):
        main(["token", "--role", "root"])

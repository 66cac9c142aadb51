"""Settings come from the environment; SECRET_KEY is required outside development."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from matchmaker.settings import (
    DEFAULT_DATABASE_URL,
    DEVELOPMENT_SECRET_KEY,
    Environment,
    Settings,
    SettingsError,
    get_settings,
    load_settings,
)

GOOD_KEY = "k" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in ("MATCHMAKER_ENV", "DATABASE_URL", "SECRET_KEY"):
        monkeypatch.delenv(variable, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_defaults_need_nothing_set() -> None:
    settings = Settings()
    assert settings.environment is Environment.development
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///./matchmaker.db"
    assert settings.secret() == DEVELOPMENT_SECRET_KEY


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHMAKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db:5432/matchmaker")
    settings = get_settings()
    assert settings.environment is Environment.production
    assert settings.secret() == GOOD_KEY
    assert settings.database_url == "postgresql://app@db:5432/matchmaker"
    assert get_settings() is settings  # read once


@pytest.mark.parametrize("environment", ["production", "test"])
def test_secret_key_is_required_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("MATCHMAKER_ENV", environment)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "SECRET_KEY must be set" in str(raised.value)
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings()


def test_a_short_secret_key_is_refused_in_every_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(SettingsError, match=r"SECRET_KEY must be at least 32 characters, got 9"):
        load_settings()


def test_the_development_key_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHMAKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    with pytest.raises(SettingsError, match="SECRET_KEY must not be the development key"):
        load_settings()


def test_an_unknown_environment_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHMAKER_ENV", "staging")
    with pytest.raises(SettingsError, match="MATCHMAKER_ENV"):
        load_settings()


@pytest.mark.parametrize(
    ("url", "message"),
    [("not a url", "is not a database URL"), ("mysql://u@h/db", "only sqlite and postgresql")],
)
def test_a_bad_database_url_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, url: str, message: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert "DATABASE_URL" in str(raised.value) and message in str(raised.value)


def test_tests_can_build_settings_by_field_name() -> None:
    settings = Settings(environment="test", secret_key=GOOD_KEY, database_url="sqlite://")
    assert settings.environment is Environment.test
    assert settings.database_url == "sqlite://"

"""Service settings from environment variables (pydantic-settings), with safe defaults."""

from __future__ import annotations

import functools
from enum import StrEnum

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///./matchmaker.db"
MIN_SECRET_KEY_LENGTH = 32
# Used only in development mode, so a newcomer's first `matchmaker serve` just works.
DEVELOPMENT_SECRET_KEY = "matchmaker-development-key-never-use-in-production"

SUPPORTED_BACKENDS = ("sqlite", "postgresql", "postgres")


class Environment(StrEnum):
    development = "development"
    production = "production"
    test = "test"


class SettingsError(RuntimeError):
    """Settings that cannot be used; the message names each environment variable at fault."""


class Settings(BaseSettings):
    """Everything the service reads from its environment.

    Each field is read from the environment variable named by its alias; tests and
    callers may also pass the field name (``Settings(secret_key=...)``).
    """

    model_config = SettingsConfigDict(
        case_sensitive=False,
        extra="ignore",
        frozen=True,
        validate_by_alias=True,
        validate_by_name=True,
    )

    environment: Environment = Field(
        default=Environment.development,
        validation_alias="MATCHMAKER_ENV",
        description="development (default), production or test",
    )
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL: sqlite:///path or postgresql://user@host/db",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        validation_alias="SECRET_KEY",
        description=f"at least {MIN_SECRET_KEY_LENGTH} characters; required outside development",
    )

    db_lock_timeout: float = Field(
        default=5.0,
        gt=0,
        le=600,
        validation_alias="MATCHMAKER_DB_LOCK_TIMEOUT",
        description="seconds a request waits for a database lock or connection before it "
        "answers 503 with Retry-After (SQLite's busy timeout, PostgreSQL's lock_timeout)",
    )

    allowed_hosts: str = Field(
        default="",
        validation_alias="MATCHMAKER_ALLOWED_HOSTS",
        description="comma-separated host names the service answers to (e.g. "
        "matchmaker.example.nl); localhost and 127.0.0.1 always, testserver outside production",
    )
    trusted_proxies: str = Field(
        default="",
        validation_alias="MATCHMAKER_TRUSTED_PROXIES",
        description="comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For header is believed (none by default)",
    )

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        validation_alias="MATCHMAKER_PUBLIC_URL",
        description="the address people open the service at, for links in e-mail "
        "(e.g. https://matchmaker.example.nl)",
    )
    smtp_url: SecretStr | None = Field(
        default=None,
        validation_alias="SMTP_URL",
        description="where e-mail is delivered: smtp://user:password@host:587 (STARTTLS when "
        "the server offers it), smtps://...:465 (TLS), or unset: to MATCHMAKER_MAIL_FOLDER, "
        "else to the log",
    )
    mail_from: str = Field(
        default="matchmaker <noreply@localhost>",
        validation_alias="MAIL_FROM",
        max_length=320,
        description="the sender of every e-mail, e.g. Kamer van Koophandel <missies@example.nl>",
    )
    default_language: str = Field(
        default="nl",
        validation_alias="MATCHMAKER_DEFAULT_LANGUAGE",
        description="the pages' language when neither the user, a cookie nor the browser "
        "chooses one: nl (default) or en",
    )
    mail_folder: str | None = Field(
        default=None,
        validation_alias="MATCHMAKER_MAIL_FOLDER",
        description="without SMTP_URL: a folder each e-mail is written to as an .eml file",
    )

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        from matchmaker.i18n import LANGUAGES

        language = value.strip().lower()
        if language not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}, got {value!r}")
        return language

    @field_validator("smtp_url")
    @classmethod
    def _known_mail_server(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        scheme = value.get_secret_value().partition("://")[0].lower()
        if scheme not in ("smtp", "smtps"):
            raise ValueError("SMTP_URL must start with smtp:// or smtps:// (e.g. smtp://host:587)")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "DATABASE_URL is not a database URL (e.g. sqlite:///./matchmaker.db "
                "or postgresql://user@host:5432/matchmaker)"
            ) from None
        if url.get_backend_name() not in SUPPORTED_BACKENDS:
            raise ValueError(
                f"DATABASE_URL uses {url.get_backend_name()!r}; "
                "only sqlite and postgresql are supported"
            )
        return value

    @model_validator(mode="after")
    def _secret_key_outside_development(self) -> Settings:
        key = self.secret_key.get_secret_value() if self.secret_key is not None else None
        if key is None:
            if self.environment is not Environment.development:
                raise ValueError(
                    f"SECRET_KEY must be set when MATCHMAKER_ENV is {self.environment.value} "
                    f"(a random string of at least {MIN_SECRET_KEY_LENGTH} characters, e.g. "
                    "from `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
                )
            object.__setattr__(self, "secret_key", SecretStr(DEVELOPMENT_SECRET_KEY))
            return self
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters, got {len(key)}"
            )
        if key == DEVELOPMENT_SECRET_KEY and self.environment is not Environment.development:
            raise ValueError("SECRET_KEY must not be the development key outside development")
        return self

    @property
    def is_development(self) -> bool:
        return self.environment is Environment.development

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.production

    def host_names(self) -> list[str]:
        """The Host header values the service accepts."""
        hosts = [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]
        hosts += ["localhost", "127.0.0.1"]
        if not self.is_production:
            hosts.append("testserver")
        return list(dict.fromkeys(hosts))

    def proxy_addresses(self) -> list[str]:
        """The reverse proxies whose X-Forwarded-For is read (addresses or networks)."""
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    def secret(self) -> str:
        """The secret key as text (always set once the settings are valid)."""
        assert self.secret_key is not None
        return self.secret_key.get_secret_value()


def load_settings() -> Settings:
    """Read the settings from the environment; a bad value raises SettingsError naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read once (a FastAPI dependency tests can override)."""
    return load_settings()


def describe_errors(error: ValidationError) -> str:
    """One line per problem, each starting with the environment variable it concerns."""
    aliases = {name: field.validation_alias for name, field in Settings.model_fields.items()}
    lines = []
    for problem in error.errors():
        message = problem["msg"].removeprefix("Value error, ")
        location = [str(part) for part in problem["loc"]]
        if location:
            variable = str(aliases.get(location[0]) or location[0]).upper()
            if not message.startswith(variable):
                message = f"{variable}: {message}"
        lines.append(message)
    return "invalid settings:\n" + "\n".join(f"  {line}" for line in lines)

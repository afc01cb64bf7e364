"""The one Settings object, read from the environment once."""

import ipaddress
import re
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")  # in the order the allowed origins list them
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::"})
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
_SECRET_VARIABLES = frozenset({"DATABASE_URL", "NOVARIUM_ADMIN_TOKEN", "NOVARIUM_LLM_API_KEY", "OPENAI_API_KEY"})
LLM_KEY_VARIABLES = ("NOVARIUM_LLM_API_KEY", "OPENAI_API_KEY")  # the first one set wins


class SettingsError(Exception):
    """An environment variable is invalid; ``str()`` names the variable and the rule."""


class Settings(BaseSettings):
    """Everything NovaRium reads from the environment."""

    model_config = SettingsConfigDict(populate_by_name=False, extra="ignore", frozen=True)

    data_dir: Path = Field(Path("data"), alias="NOVARIUM_DATA_DIR")
    database_url: str | None = Field(None, alias="DATABASE_URL")
    host: str = Field("127.0.0.1", alias="NOVARIUM_HOST", min_length=1)
    port: int = Field(3000, alias="NOVARIUM_PORT", ge=1, le=65535)
    admin_token: SecretStr | None = Field(None, alias="NOVARIUM_ADMIN_TOKEN")
    allowed_hosts: Annotated[tuple[str, ...], NoDecode] = Field((), alias="NOVARIUM_ALLOWED_HOSTS")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", alias="NOVARIUM_LOG_LEVEL")
    llm_base_url: str | None = Field(None, alias="NOVARIUM_LLM_BASE_URL")
    llm_api_key: SecretStr | None = Field(None, validation_alias=AliasChoices(*LLM_KEY_VARIABLES))
    llm_model: str | None = Field(None, alias="NOVARIUM_LLM_MODEL")
    llm_timeout: float = Field(30.0, alias="NOVARIUM_LLM_TIMEOUT", gt=0)
    seed_users: int = Field(50_000, alias="NOVARIUM_SEED_USERS", ge=1, le=5_000_000)
    seed_days: int = Field(90, alias="NOVARIUM_SEED_DAYS", ge=1, le=730)
    seed: int = Field(7, alias="NOVARIUM_SEED", ge=0)

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
            raise ValueError("must be a PostgreSQL URL starting with postgresql://, or unset for embedded DuckDB")
        return value

    @field_validator("data_dir")
    @classmethod
    def _directory(cls, value: Path) -> Path:
        if value.exists() and not value.is_dir():
            raise ValueError("must be a directory, not a file")
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _host_names(cls, value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
        names = value.replace(",", " ").split() if isinstance(value, str) else list(value or ())
        hosts = []
        for name in (n.strip().lower() for n in names):
            bare = name.removeprefix("[").removesuffix("]")
            if not (_HOST_NAME.match(name) or _is_ip(bare)) or bare in WILDCARD_HOSTS:
                raise ValueError(
                    f"{name!r} is not a host name: list names or addresses like lab.example or 10.0.0.5, separated "
                    "by commas, with no scheme, port, path or wildcard"
                )
            hosts.append(bare)
        return tuple(dict.fromkeys(hosts))

    @field_validator("llm_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @property
    def backend(self) -> str:
        """'postgres' when DATABASE_URL is set, else 'duckdb'."""
        return "postgres" if self.database_url else "duckdb"

    @property
    def is_local(self) -> bool:
        """True when the app is bound to this machine only."""
        return self.host in LOCAL_HOSTS

    @property
    def llm_configured(self) -> bool:
        """True when an OpenAI-compatible model is configured for the coach."""
        return bool(self.llm_base_url and self.llm_model)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def read_settings() -> Settings:
    """Read and validate the environment; raises SettingsError with one line."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(_one_line(error)) from None


@cache
def get_settings() -> Settings:
    """The process-wide Settings, read once."""
    return read_settings()


def variable_names(field_name: str) -> tuple[str, ...]:
    """The environment variables a setting is read from, in order of precedence."""
    field = Settings.model_fields[field_name]
    if isinstance(field.validation_alias, AliasChoices):
        return tuple(str(choice) for choice in field.validation_alias.choices)
    return (field.alias or field_name,)


def _one_line(error: ValidationError) -> str:
    aliases = {name: variable_names(name)[0] for name in Settings.model_fields}
    problems = []
    for detail in error.errors():
        where = str(detail["loc"][0]) if detail["loc"] else "environment"
        variable = aliases.get(where, where)
        message = str(detail["msg"]).removeprefix("Value error, ")
        shown = "" if variable in _SECRET_VARIABLES else f" (got {detail.get('input')!r})"
        problems.append(f"{variable}: {message}{shown}")
    return "invalid setting " + "; ".join(problems)

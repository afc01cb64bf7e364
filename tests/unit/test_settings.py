"""Settings: read once from the environment, invalid values named in one line."""

import pytest

from novarium_app.settings import Settings, SettingsError, read_settings, variable_names


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(Settings.model_fields):
        for variable in variable_names(name):
            monkeypatch.delenv(variable, raising=False)


def test_defaults_run_on_embedded_duckdb():
    settings = read_settings()
    assert settings.backend == "duckdb"
    assert str(settings.data_dir) == "data"
    assert settings.port == 3000
    assert settings.is_local
    assert not settings.llm_configured


def test_allowed_hosts_are_a_comma_separated_list_of_names(monkeypatch):
    assert read_settings().allowed_hosts == ()
    monkeypatch.setenv("NOVARIUM_ALLOWED_HOSTS", " Lab.Example, 10.0.0.5 [fe80::1],lab.example ")
    assert read_settings().allowed_hosts == ("lab.example", "10.0.0.5", "fe80::1")


def test_postgres_url_selects_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    assert read_settings().backend == "postgres"


@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [
        ("NOVARIUM_PORT", "abc", "valid integer"),
        ("NOVARIUM_PORT", "70000", "less than or equal to 65535"),
        ("NOVARIUM_LOG_LEVEL", "LOUD", "'DEBUG', 'INFO', 'WARNING' or 'ERROR'"),
        ("NOVARIUM_SEED_USERS", "0", "greater than or equal to 1"),
        ("NOVARIUM_LLM_BASE_URL", "ftp://model", "http:// or https://"),
        ("NOVARIUM_LLM_TIMEOUT", "0", "greater than 0"),
        ("NOVARIUM_LLM_TIMEOUT", "-5", "greater than 0"),
        ("NOVARIUM_LLM_TIMEOUT", "soon", "valid number"),
        ("NOVARIUM_ALLOWED_HOSTS", "http://lab.example", "'http://lab.example' is not a host name"),
        ("NOVARIUM_ALLOWED_HOSTS", "lab.example:3000", "no scheme, port, path or wildcard"),
        ("NOVARIUM_ALLOWED_HOSTS", "ok.example, *.example", "'*.example' is not a host name"),
        ("NOVARIUM_ALLOWED_HOSTS", "0.0.0.0", "'0.0.0.0' is not a host name"),
    ],
)
def test_invalid_value_names_variable_and_rule(monkeypatch, variable, value, rule):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        read_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"invalid setting {variable}: ")
    assert rule in message


def test_invalid_database_url_is_named_without_echoing_the_secret(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://admin:hunter2@db/shop")
    with pytest.raises(SettingsError) as caught:
        read_settings()
    assert "DATABASE_URL: must be a PostgreSQL URL" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_data_dir_must_not_be_a_file(monkeypatch, tmp_path):
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    monkeypatch.setenv("NOVARIUM_DATA_DIR", str(a_file))
    with pytest.raises(SettingsError, match="NOVARIUM_DATA_DIR: must be a directory"):
        read_settings()


def test_secrets_are_not_rendered(monkeypatch):
    monkeypatch.setenv("NOVARIUM_LLM_API_KEY", "sk-very-secret")
    monkeypatch.setenv("NOVARIUM_ADMIN_TOKEN", "tok-very-secret")
    settings = read_settings()
    assert "very-secret" not in repr(settings)
    assert "very-secret" not in str(settings.model_dump())
    assert settings.llm_api_key.get_secret_value() == "sk-very-secret"


def test_llm_key_reads_novarium_variable_first_then_openai(monkeypatch):
    assert read_settings().llm_api_key is None
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai")
    assert read_settings().llm_api_key.get_secret_value() == "sk-from-openai"
    monkeypatch.setenv("NOVARIUM_LLM_API_KEY", "sk-from-novarium")
    settings = read_settings()
    assert settings.llm_api_key.get_secret_value() == "sk-from-novarium"
    assert "sk-from" not in repr(settings) and "sk-from" not in str(settings.model_dump())


def test_llm_timeout_defaults_to_30_seconds_and_reads_the_environment(monkeypatch):
    assert read_settings().llm_timeout == 30.0
    monkeypatch.setenv("NOVARIUM_LLM_TIMEOUT", "2.5")
    assert read_settings().llm_timeout == 2.5

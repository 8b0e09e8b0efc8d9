"""One typed settings object, from ``HEALTHPULSE_*`` env and an optional YAML file.

Built once in ``main()`` / ``create_app()`` and passed down; nothing reads
``os.environ`` at import time.  Defaults give the embedded mode: SQLite for
the store and FTS5 (in the same file) for search.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from healthpulse.core.config_files import ConfigError, format_validation_error, read_yaml
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SLA_HOURS: dict[str, float] = {"critical": 4, "high": 24, "medium": 72, "low": 168}


@dataclass(frozen=True)
class DatabaseSettings:
    url: str


@dataclass(frozen=True)
class SearchSettings:
    url: str | None
    username: str | None
    password: SecretStr | None
    api_key: SecretStr | None
    verify_certs: bool
    ca_certs: str | None
    index_prefix: str
    max_index_chars: int

    @property
    def embedded(self) -> bool:
        """No node URL: the SQLite FTS5 index inside the database file."""
        return not self.url


@dataclass(frozen=True)
class MailSettings:
    smtp_host: str
    smtp_port: int
    smtp_username: str | None
    smtp_password: SecretStr | None
    smtp_starttls: bool
    mail_from: str
    webhook_secret: SecretStr | None


@dataclass(frozen=True)
class ModelSettings:
    whisper_model: str | None
    whisper_threads: int
    whisper_beam_size: int
    model_cache_dir: Path | None
    taxonomy_file: Path | None
    languages: tuple[str, ...]
    max_text_chars: int


@dataclass(frozen=True)
class WebSettings:
    secret_key: SecretStr | None
    testing: bool
    base_url: str
    max_upload_mb: int
    max_video_seconds: int
    min_video_seconds: float
    upload_rate_per_hour: int


@dataclass(frozen=True)
class JobSettings:
    poll_seconds: float
    lease_seconds: float
    sla_hours: dict[str, float]


class Settings(BaseSettings):
    """The input schema is flat, so every ``HEALTHPULSE_<FIELD>`` variable and YAML key keeps its name;
    code reads the groups (``settings.database``, ``.search``, ``.mail``, ``.models``, ``.web``, ``.jobs``)."""

    model_config = SettingsConfigDict(env_prefix="HEALTHPULSE_", extra="forbid", env_nested_delimiter="__")

    # -- database
    database_url: str = "sqlite:///healthpulse.db"
    # -- search: empty URL → embedded SQLite FTS5 index in the database file.
    search_url: str | None = None
    search_username: str | None = None
    search_password: SecretStr | None = None
    search_api_key: SecretStr | None = None
    search_verify_certs: bool = True
    search_ca_certs: str | None = None
    search_index_prefix: str = "healthpulse"
    # A document's text beyond this is kept in the database but not indexed (a 5 MB page slowed every search).
    max_index_chars: int = Field(default=200_000, ge=1_000)
    # -- mail (and signed webhooks)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "healthpulse@localhost"
    webhook_secret: SecretStr | None = None
    # -- models
    whisper_model: str | None = None
    whisper_threads: int = 2
    # Beam 5 by default: greedy (1) is ~25 % faster on 2 cores but loses words on short appeals (vi WER 0.50 → 0.86).
    whisper_beam_size: int = Field(default=5, ge=1, le=10)
    # Where joined model weights are cached; None → ~/.cache/healthpulse.
    model_cache_dir: Path | None = None
    taxonomy_file: Path | None = None
    languages: list[str] = Field(default_factory=lambda: ["ru", "ar", "fa", "vi", "en"])
    max_text_chars: int = 200_000
    # NLP profile (README "Speed and quality"): fast / default / full over the same trained heads.
    nlp_profile: Literal["fast", "default", "full"] = "default"
    # -- web
    secret_key: SecretStr | None = None
    testing: bool = False
    base_url: str = "http://127.0.0.1:8000"
    max_upload_mb: int = 512
    max_video_seconds: int = 600
    min_video_seconds: float = 0.5
    upload_rate_per_hour: int = 20
    # -- jobs
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    job_lease_seconds: float = Field(default=300.0, gt=0)
    sla_hours: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    # -- deployment files and folders
    data_dir: Path = Path("healthpulse-data")
    departments_file: Path | None = None
    rules_file: Path | None = None
    sources_file: Path | None = None

    @property
    def embedded_search(self) -> bool:
        return not self.search_url

    @property
    def database(self) -> DatabaseSettings:
        return DatabaseSettings(self.database_url)

    @property
    def search(self) -> SearchSettings:
        return SearchSettings(self.search_url, self.search_username, self.search_password, self.search_api_key,
                              self.search_verify_certs, self.search_ca_certs, self.search_index_prefix,
                              self.max_index_chars)

    @property
    def mail(self) -> MailSettings:
        return MailSettings(self.smtp_host, self.smtp_port, self.smtp_username, self.smtp_password,
                            self.smtp_starttls, self.mail_from, self.webhook_secret)

    @property
    def models(self) -> ModelSettings:
        return ModelSettings(self.whisper_model, self.whisper_threads, self.whisper_beam_size, self.model_cache_dir,
                             self.taxonomy_file, tuple(self.languages), self.max_text_chars)

    @property
    def web(self) -> WebSettings:
        return WebSettings(self.secret_key, self.testing, self.base_url, self.max_upload_mb, self.max_video_seconds,
                           self.min_video_seconds, self.upload_rate_per_hour)

    @property
    def jobs(self) -> JobSettings:
        return JobSettings(self.worker_poll_seconds, self.job_lease_seconds, dict(self.sla_hours))


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from env, then the YAML file (if any), then explicit overrides.

    Precedence: overrides > environment > YAML file > defaults.  Errors name
    the file, the line and the key.
    """
    config_file = config_file or os.environ.get("HEALTHPULSE_CONFIG")
    file_values: dict[str, Any] = {}
    root = None
    if config_file:
        data, root = read_yaml(config_file)
        if data is not None and not isinstance(data, dict):
            raise ConfigError(config_file, [f"{config_file}: top level must be a mapping of settings"])
        file_values = data or {}
    env_keys = {k[len("HEALTHPULSE_"):].lower() for k in os.environ if k.startswith("HEALTHPULSE_")}
    init = {k: v for k, v in file_values.items() if k not in env_keys}
    init.update(overrides)
    try:
        return Settings(**init)
    except ValidationError as err:
        origin = config_file or "environment (HEALTHPULSE_*)"
        raise ConfigError(origin, format_validation_error(origin, err, file_values, root)) from None

"""One typed settings object, from ``HEALTHPULSE_*`` env and an optional YAML file.

Built once in ``main()`` / ``create_app()`` and passed down; nothing reads
``os.environ`` at import time.  Defaults give the embedded mode: SQLite for
the store and FTS5 (in the same file) for search.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from healthpulse.core.config_files import ConfigError, ConfigIssue, format_validation_error, read_yaml
from healthpulse.core.contacts import validate_email
from healthpulse.core.domain import Severity
from healthpulse.text.language_tags import primary_language
from pydantic import AfterValidator, Field, SecretStr, TypeAdapter, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "HEALTHPULSE_"
DEFAULT_VK_API_URL = "https://api.vk.com/method"
DEFAULT_SLA_HOURS: dict[str, float] = {"critical": 4, "high": 24, "medium": 72, "low": 168}
MAX_SLA_HOURS = 24 * 365


def _complete_sla(hours: dict[str, float]) -> dict[str, float]:
    """A severity the config leaves out keeps its default deadline."""
    return {**DEFAULT_SLA_HOURS, **hours}


# Hours to the deadline per severity: the settings' ``sla_hours`` and the admin's SLA page validate with this.
if TYPE_CHECKING:
    SlaHours = dict[str, float]
else:
    SlaHours = Annotated[dict[Severity, Annotated[float, Field(gt=0, le=MAX_SLA_HOURS)]], AfterValidator(_complete_sla)]
SLA_HOURS = TypeAdapter(SlaHours)
# HEALTHPULSE_* variables that are not settings: the settings file's path, the crawler's hand-over to its
# subprocess, the NLP training cache, and the scripts' and tests' own.  Anything else unknown is a typo.
OTHER_VARIABLES = frozenset({"CONFIG", "RUN_CONTEXT", "SOURCE", "NLP_CACHE", "CHROMIUM", "SEARCH_USER",
                             "SEARCH_NODES_DIR", "PG_DIR", "PG_PORT", "PG_DB", "REDIS_DIR", "REDIS_PORT"})
OTHER_PREFIXES = ("TEST_", "CLUSTER_")  # the tests' and scripts/cluster.sh's own variables


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
    timezone: str
    upload_open_mb_per_address: int
    upload_open_mb_total: int
    upload_disk_reserve_mb: int
    trusted_proxies: int
    appeal_rate_per_hour: int
    max_recording_mb: int
    max_recording_seconds: int
    pbx_hmac_secrets: dict[str, SecretStr] | None = None


@dataclass(frozen=True)
class CrawlSettings:
    """What the social-source spiders need besides the sources file: the VK API root and its service token."""

    vk_api_url: str = DEFAULT_VK_API_URL
    vk_token: SecretStr | None = None


@dataclass(frozen=True)
class JobSettings:
    poll_seconds: float
    lease_seconds: float
    sla_hours: dict[str, float]
    alert_freshness_hours: float = 48.0
    callback_retry_minutes: float = 120.0
    callback_max_attempts: int = 3
    incident_merge_threshold: float = 0.88
    incident_window_days: float = 10.0


class Settings(BaseSettings):
    """The input schema is flat, so every ``HEALTHPULSE_<FIELD>`` variable and YAML key keeps its name;
    code reads the groups (``settings.database``, ``.search``, ``.mail``, ``.models``, ``.web``, ``.jobs``)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", env_nested_delimiter="__")

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
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "healthpulse@localhost"
    # The press office's daily digest of the top incidents of every department (wiring/press_digest.py); unset:
    # only the departments' own digests go out.  Its language: one of the five UI languages.
    press_digest_email: str | None = None
    press_digest_language: Literal["ru", "ar", "fa", "vi", "en"] = "en"
    webhook_secret: SecretStr | None = None
    # -- models
    whisper_model: str | None = None
    whisper_threads: int = Field(default=2, ge=1)
    # Beam 5 by default: greedy (1) is ~25 % faster on 2 cores but loses words on short appeals (vi WER 0.50 → 0.86).
    whisper_beam_size: int = Field(default=5, ge=1, le=10)
    # Where joined model weights are cached; None → ~/.cache/healthpulse.
    model_cache_dir: Path | None = None
    taxonomy_file: Path | None = None
    languages: list[str] = Field(default_factory=lambda: ["ru", "ar", "fa", "vi", "en"])
    max_text_chars: int = Field(default=200_000, gt=0)
    # NLP profile (README "Speed and quality"): fast / default / full over the same trained heads.
    nlp_profile: Literal["fast", "default", "full"] = "default"
    # Threads of the NLP encoder per process: with several workers on one machine, cores ÷ workers
    # (two processes of two threads on two cores run slower than one: benchmarks/workers.py).
    nlp_threads: int = Field(default=2, ge=1, le=64)
    # Health-related documents get a 12-layer title+lead vector at ingest (nlp.embedding): incidents
    # across languages and semantic search need it; off saves that encoder pass.
    document_vectors: bool = True
    # -- web
    secret_key: SecretStr | None = None
    testing: bool = False
    base_url: str = "http://127.0.0.1:8000"
    max_upload_mb: int = Field(default=512, gt=0)
    max_video_seconds: int = Field(default=600, gt=0)
    min_video_seconds: float = Field(default=0.5, ge=0)
    # Hotline call recordings a PBX posts (POST /api/v1/calls/{callId}/recording): size and length limits.
    max_recording_mb: int = Field(default=40, gt=0, le=1024)
    max_recording_seconds: int = Field(default=3600, gt=0)
    upload_rate_per_hour: int = Field(default=20, ge=0)
    # The instance's local time zone (IANA name): every date and time on the pages is shown in it, with its name.
    timezone: str = "UTC"
    # Bytes announced by unfinished (unexpired, unsubmitted) uploads: per address, for the whole instance,
    # and the disk space to keep free once every open upload has arrived.
    upload_open_mb_per_address: int = Field(default=2048, gt=0)
    upload_open_mb_total: int = Field(default=20480, gt=0)
    upload_disk_reserve_mb: int = Field(default=1024, ge=0)
    # How many reverse proxies stand in front of the app: X-Forwarded-For/-Proto are believed from
    # that many hops only (0: the headers are ignored, the connecting address is the client).
    trusted_proxies: int = Field(default=0, ge=0, le=10)
    # Accepted text appeals per client address and hour (refused or invalid submissions do not count).
    appeal_rate_per_hour: int = Field(default=30, ge=1)
    # Per PBX account, the secret it signs hotline webhooks with (X-Healthpulse-Signature: sha256=HMAC of the body);
    # e.g. HEALTHPULSE_PBX_HMAC_SECRETS='{"asterisk-1": "…"}'. Only from the environment or the YAML file.
    pbx_hmac_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    # -- jobs
    # Distributed mode: jobs are published on Celery queues through this Redis broker (redis://host:6379/0)
    # and run by `healthpulse worker` processes on any machine; empty: the in-process worker (embedded).
    broker_url: str | None = None
    worker_poll_seconds: float = Field(default=1.0, gt=0)
    job_lease_seconds: float = Field(default=300.0, gt=0)
    sla_hours: SlaHours = Field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    # An alert whose documents (a spike: its bucket) ended longer ago than this, in event time, is a past
    # episode: recorded, not paged (a backfill or a crawler catching up must not page anyone).
    alert_freshness_hours: float = Field(default=48.0, gt=0)
    # Hotline callbacks: after an unanswered callback the next one is queued again this many minutes later,
    # until this many attempts were made (README "Pointing a PBX at healthpulse", step 5).
    callback_retry_minutes: float = Field(default=120.0, gt=0)
    callback_max_attempts: int = Field(default=3, ge=1, le=20)
    # Incidents (issue 20): a document joins an open incident when cosine + department/topic bonuses
    # − a penalty per day since its last document reach this score, within this many days (incidents.merge).
    incident_merge_threshold: float = Field(default=0.88, gt=0, le=2)
    incident_window_days: float = Field(default=10.0, gt=0)
    # -- deployment files and folders
    data_dir: Path = Path("healthpulse-data")
    # A folder an exchange writes call recordings to (FreePBX-style names): the worker scans it every
    # calls_drop_scan_seconds, as `healthpulse calls watch` does. None: not watched by the worker.
    calls_drop_folder: Path | None = None
    calls_drop_scan_seconds: float = Field(default=10.0, ge=1)
    # The language of the calls written to that folder (a PBX with one folder per language line): Whisper
    # transcribes in it instead of detecting. None: detected among `languages`.
    calls_drop_language: str | None = None
    departments_file: Path | None = None
    # The press map's region shapes (GeoJSON, core/region_shapes.py); unset: the bundled demo shapes when the
    # departments file is the bundled one, else no map (the table stays).
    regions_geojson_file: Path | None = None
    rules_file: Path | None = None
    sources_file: Path | None = None
    # -- crawl (social sources): the VK API root (a test points it at a local server) and its service token.
    vk_api_url: str = Field(default=DEFAULT_VK_API_URL, pattern=r"^https?://[^\s/]+")
    vk_token: SecretStr | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}: use an IANA name such as Europe/Moscow or Asia/Tehran") from None
        return value

    @field_validator("calls_drop_language")
    @classmethod
    def _calls_drop_language(cls, value: str | None, info: ValidationInfo) -> str | None:
        code = primary_language(value)
        languages = info.data.get("languages") or []
        if code is not None and code not in languages:
            raise ValueError(f"{value!r} is not one of the deployment's languages ({', '.join(languages)})")
        return code

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, v: str) -> str:
        # One plain address (the shared validator); a single-label domain like @localhost is fine for a sender.
        return validate_email(v, require_dot=False)

    @field_validator("press_digest_email")
    @classmethod
    def _press_digest_email(cls, v: str | None) -> str | None:
        return None if v is None else validate_email(v)

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
                           self.min_video_seconds, self.upload_rate_per_hour, self.timezone,
                           self.upload_open_mb_per_address, self.upload_open_mb_total, self.upload_disk_reserve_mb,
                           self.trusted_proxies, self.appeal_rate_per_hour, self.max_recording_mb,
                           self.max_recording_seconds, dict(self.pbx_hmac_secrets))

    @property
    def crawl(self) -> CrawlSettings:
        return CrawlSettings(self.vk_api_url.rstrip("/"), self.vk_token)

    @property
    def jobs(self) -> JobSettings:
        return JobSettings(self.worker_poll_seconds, self.job_lease_seconds, dict(self.sla_hours),
                           self.alert_freshness_hours, self.callback_retry_minutes, self.callback_max_attempts,
                           self.incident_merge_threshold, self.incident_window_days)


def _env_name(key: str) -> str:
    return ENV_PREFIX + key.upper()


def unknown_variables(environ: dict[str, str] | os._Environ[str]) -> list[ConfigIssue]:
    """``HEALTHPULSE_*`` variables that name no setting (a typo would otherwise be ignored), with the nearest name."""
    issues = []
    for var in sorted(environ):
        name = var.upper()
        if not name.startswith(ENV_PREFIX):
            continue
        rest = name[len(ENV_PREFIX):]
        field = rest.split("__", 1)[0].lower()  # HEALTHPULSE_SLA_HOURS__LOW sets one key of sla_hours
        if field in Settings.model_fields or rest in OTHER_VARIABLES or rest.startswith(OTHER_PREFIXES):
            continue
        close = [_env_name(c) for c in difflib.get_close_matches(rest.lower(), list(Settings.model_fields), n=1)]
        hint = f"; did you mean {close[0]}?" if close else ""
        issues.append(ConfigIssue("environment", None, "", f"unknown setting {var}{hint}", "unknown_variable",
                                  None, {"variable": var, "suggestion": close[0] if close else None}))
    return issues


def _from_environment(issue: ConfigIssue, env_keys: set[str]) -> ConfigIssue:
    """An error in a value that came from a variable names the variable, not the YAML file."""
    top = issue.key.split(".", 1)[0].split("[", 1)[0]
    if top not in env_keys:
        return issue
    return ConfigIssue("environment", None, _env_name(top) + issue.key[len(top):], issue.message, issue.kind,
                       None, issue.ctx)


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from env, then the YAML file (if any), then explicit overrides.

    Precedence: overrides > environment > YAML file > defaults.  Errors name
    the file, the line and the key.
    """
    config_file = config_file or os.environ.get(ENV_PREFIX + "CONFIG")
    file_values: dict[str, Any] = {}
    root = None
    if config_file:
        data, root = read_yaml(config_file)
        if data is not None and not isinstance(data, dict):
            raise ConfigError(config_file, [ConfigIssue(str(config_file), 1, "", "top level must be a mapping of settings",
                                                        "not_a_mapping")])
        file_values = data or {}
    unknown = unknown_variables(os.environ)
    if unknown:
        raise ConfigError("environment", unknown)
    env_keys = {k[len(ENV_PREFIX):].lower().split("__", 1)[0] for k in os.environ if k.upper().startswith(ENV_PREFIX)}
    init = {k: v for k, v in file_values.items() if k not in env_keys}
    init.update(overrides)
    try:
        return Settings(**init)
    except ValidationError as err:
        origin = config_file or "environment"
        issues = format_validation_error(origin, err, file_values, root, Settings)
        raise ConfigError(origin, [_from_environment(i, env_keys - set(overrides)) for i in issues]) from None

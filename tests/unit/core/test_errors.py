"""One error base, one translation per surface: every code has an exit status and an HTTP status."""

from typing import get_args

import pytest
from healthpulse.cli import main
from healthpulse.cli.common import EXIT_CODES, EXIT_INTERNAL, EXIT_USAGE
from healthpulse.core.errors import ERROR_CODES, ErrorCode, HealthpulseError
from healthpulse.core.settings import Settings
from healthpulse.web.app import create_app
from healthpulse.web.errors import HTTP_STATUS


def test_every_code_is_mapped_once_per_surface():
    assert set(ERROR_CODES) == set(get_args(ErrorCode))
    assert set(EXIT_CODES) == set(ERROR_CODES)
    assert set(HTTP_STATUS) == set(ERROR_CODES)
    assert EXIT_CODES["invalid"] == EXIT_USAGE and EXIT_CODES["unavailable"] == EXIT_INTERNAL


class _Gone(HealthpulseError):
    error_code = "unavailable"


class _Missing(HealthpulseError, LookupError):
    error_code = "not_found"


@pytest.mark.parametrize(("exc", "status"), [(_Gone("node down"), 503), (_Missing("no such thing"), 404)])
def test_an_escaped_error_becomes_its_http_status(exc, status):
    app = create_app(Settings(testing=True), container=object())

    @app.get("/api/v1/boom")
    def boom():
        raise exc

    @app.get("/boom")
    def boom_page():
        raise exc

    client = app.test_client()
    api = client.get("/api/v1/boom")
    assert api.status_code == status
    body = api.get_json()
    assert body["message"] == (str(exc) if status < 500 else "the server could not complete the request")
    assert client.get("/boom").status_code == status


def test_cli_maps_codes_to_exit_statuses(monkeypatch, capsys):
    def fail(args):
        raise _Gone("search node unreachable")

    import healthpulse.cli as cli

    args = cli.build_parser().parse_args(["migrate"])
    args.func = fail  # the command itself raises
    monkeypatch.setattr(cli, "build_parser", lambda: _Fixed(args))
    assert main(["migrate"]) == EXIT_INTERNAL
    assert "search node unreachable" in capsys.readouterr().err


class _Fixed:
    """A parser that always yields the given arguments."""

    def __init__(self, args):
        self.args = args

    def parse_args(self, argv):
        return self.args

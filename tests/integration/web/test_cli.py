"""`healthpulse users add` and `healthpulse serve` (refuses to start without a secret key; serves with one)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

from healthpulse.cli import main

from tests.support.databases import database_url


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEALTHPULSE_")}
    env.update(HEALTHPULSE_DATABASE_URL=database_url(tmp_path / "hp.db"), HEALTHPULSE_DATA_DIR=str(tmp_path / "data"))
    env.update(extra)
    return env


def test_users_add_validates_and_creates(tmp_path, monkeypatch, capsys):
    for k, v in _env(tmp_path, PW="a-long-enough-password").items():
        monkeypatch.setenv(k, v)
    assert main(["users", "add", "alice", "--role", "department", "--department", "surgut", "--password-env", "PW"]) == 0
    assert main(["users", "add", "bob", "--role", "department", "--department", "atlantis", "--password-env", "PW"]) == 2
    assert "unknown department 'atlantis'" in capsys.readouterr().err
    assert main(["users", "add", "carol", "--role", "press", "--password-env", "MISSING"]) == 2
    assert main(["users", "list"]) == 0
    assert "alice\tdepartment\tsurgut" in capsys.readouterr().out


def test_a_pbx_account_needs_no_password_and_is_told_how_it_authenticates(tmp_path, monkeypatch, capsys):
    """A telephone exchange authenticates with its API token or an HMAC secret, never a password: ``users add
    --role pbx`` neither prompts for one nor accepts one, and says how the exchange authenticates instead."""
    for k, v in _env(tmp_path, PW="a-long-enough-password").items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": (_ for _ in ()).throw(AssertionError("prompted")))
    assert main(["users", "add", "asterisk-1", "--role", "pbx"]) == 0
    out = capsys.readouterr().out
    assert "user asterisk-1 (pbx) created" in out
    assert "healthpulse users token asterisk-1" in out and "HEALTHPULSE_PBX_HMAC_SECRETS" in out
    assert main(["users", "add", "asterisk-2", "--role", "pbx", "--password-env", "PW"]) == 2
    assert "pbx account has no password" in capsys.readouterr().err
    assert main(["users", "token", "asterisk-1"]) == 0 and capsys.readouterr().out.startswith("hp_")
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["asterisk-1\tpbx\t-\tactive"]


def test_serve_refuses_without_secret_and_serves_with_one(tmp_path):
    cmd = [sys.executable, "-m", "healthpulse.cli", "serve", "--port", "0"]
    r = subprocess.run(cmd, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "HEALTHPULSE_SECRET_KEY" in r.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "healthpulse.cli", "serve", "--port", str(port)],
                            env=_env(tmp_path, HEALTHPULSE_SECRET_KEY="s" * 40), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=2) as resp:  # noqa: S310
                    body = resp.read().decode()
                    headers = resp.headers
                break
            except OSError:
                time.sleep(0.5)
        assert body is not None, proc.stderr.read1().decode() if proc.poll() is not None else "server did not answer"
        assert 'lang="en"' in body and "script-src 'self'" in headers["Content-Security-Policy"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_warns_when_serving_plain_http_beyond_this_machine(tmp_path):
    """Issue 15.3: `serve --host 0.0.0.0` over http says what it means (and works: cookies follow the scheme)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "healthpulse.cli", "serve", "--host", "0.0.0.0", "--port", str(port),
                             "--no-worker"], env=_env(tmp_path, HEALTHPULSE_SECRET_KEY="s" * 40),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        import threading

        lines: list[str] = []
        threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("plain http" in line for line in lines):
            if proc.poll() is not None or any("serving on" in line for line in lines):
                time.sleep(2)  # the warning, if any, follows the "serving on" line at once
                break
            time.sleep(0.2)
        assert any("warning: serving plain http on 0.0.0.0" in line and "HEALTHPULSE_TRUSTED_PROXIES" in line
                   for line in lines), lines
    finally:
        proc.terminate()
        proc.wait(timeout=20)

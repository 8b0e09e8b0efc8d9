"""Real local receivers: an SMTP server (aiosmtpd) and an HTTP webhook receiver (http.server)."""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from healthpulse.core.clock import FakeClock

from tests.support.containers import make_container

WEBHOOK_SECRET = "test-webhook-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


class SmtpServer:
    """An aiosmtpd server on a fixed port that a test can stop and start again."""

    def __init__(self, port: int):
        self.port = port
        self.handler = _Collect()
        self.controller: Controller | None = None

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class WebhookReceiver:
    """Records every POST; answers ``status`` (set it to 503 to play a broken receiver)."""

    def __init__(self):
        self.requests = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                          "status": receiver.status})
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/health"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def accepted(self):
        return [r for r in self.requests if r["status"] < 300]

    def json(self, i):
        return json.loads(self.accepted[i]["body"])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp_server():
    srv = SmtpServer(free_port())
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def receiver():
    r = WebhookReceiver()
    yield r
    r.close()


@pytest.fixture
def fclock():
    return FakeClock()


def departments_yaml(webhook_url: str) -> str:
    return f"""departments:
  - id: surgut
    name: Surgut city health department
    places: ["Сургут", "Surgut"]
    email: surgut@health.example
    escalation_email: surgut-head@health.example
    webhook: {webhook_url}
    language: ru
  - id: cairo
    name: Cairo health directorate
    places: ["القاهرة", "Cairo"]
    email: cairo@health.example
    language: ar
  - id: hcmc
    name: Ho Chi Minh City Department of Health
    places: ["TP.HCM", "Hồ Chí Minh"]
    email: hcmc@health.example
    language: vi
"""


@pytest.fixture
def wired(tmp_path, fclock, smtp_server, receiver):
    """A container whose SMTP settings and department webhook point at the local receivers."""
    deps = tmp_path / "departments.yaml"
    deps.write_text(departments_yaml(receiver.url), encoding="utf-8")
    c = make_container(tmp_path, clock=fclock, index=None, departments_file=deps, smtp_host="127.0.0.1",
                       smtp_port=smtp_server.port, webhook_secret=WEBHOOK_SECRET, mail_from="alerts@hp.example",
                       base_url="https://hp.example")
    yield c
    c.close()

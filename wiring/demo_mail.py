"""A real local SMTP server for the demo: notifications are delivered into a Maildir.

The demo has no mail relay, yet alerts must really be sent (that is the
point of them): this aiosmtpd server on 127.0.0.1 accepts every message and
files it under ``<demo dir>/mail`` where any mail client (or `ls`) shows it.
"""

from __future__ import annotations

import mailbox
import socket
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _MaildirHandler:
    def __init__(self, box: mailbox.Maildir):
        self.box = box
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.box.add(message_from_bytes(envelope.content, policy=policy.default))
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DemoMailbox:
    def __init__(self, folder: Path):
        self.folder = folder
        self.handler = _MaildirHandler(mailbox.Maildir(folder, create=True))
        self.port = _free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> DemoMailbox:
        self.controller.start()
        return self

    @property
    def delivered(self) -> int:
        return self.handler.count

    def stop(self) -> None:
        self.controller.stop()

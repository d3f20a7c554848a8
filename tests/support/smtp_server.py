"""A local SMTP server (aiosmtpd) that keeps what it receives and can refuse recipients.

server = LocalSmtp(refuse={"nobody@example.org"}).start()
app.config.update(SMTP_HOST=server.host, SMTP_PORT=server.port)
...
server.messages   # email.message.EmailMessage, parsed, with envelope in .envelope
server.stop()
"""

import socket
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: object  # email.message.EmailMessage


class _Handler:
    def __init__(self, owner: "LocalSmtp"):
        self.owner = owner

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.owner.refuse:
            return "550 5.1.1 Mailbox does not exist"
        if address.lower() in self.owner.defer:
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        self.owner.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalSmtp:
    def __init__(self, refuse=(), defer=()):
        self.refuse = {a.lower() for a in refuse}
        self.defer = {a.lower() for a in defer}
        self.messages: list[Received] = []
        self.host = "127.0.0.1"
        self.port = free_port()
        self._controller: Controller | None = None

    def start(self) -> "LocalSmtp":
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "LocalSmtp":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

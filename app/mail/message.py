"""One email to one recipient: what every backend sends."""

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Opaque ids for tracking (e.g. delivery id); never personal data.
    custom_args: dict[str, str] = field(default_factory=dict)
    category: str = "transactional"

    def to_email_message(self, from_address: str, from_name: str = "") -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr((from_name, from_address)) if from_name else from_address
        msg["To"] = self.to
        msg["Subject"] = self.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=from_address.split("@")[-1])
        for name, value in self.headers.items():
            msg[name] = value
        for name, value in self.custom_args.items():
            msg[f"X-Involve-{name.replace('_', '-').title()}"] = value
        msg.set_content(self.text)
        if self.html:
            msg.add_alternative(self.html, subtype="html")
        # Python folds a long non-ASCII header (an Urdu subject) into encoded words and loses the
        # space where it splits them; headers may run to 998 characters, so fold only beyond that.
        msg.policy = msg.policy.clone(max_line_length=998)
        return msg

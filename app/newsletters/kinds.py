"""Kinds of message a campaign can be, and what each adds to the bulletin it goes out as.

Every campaign is sent by the same code: one frozen delivery per recipient, one set of
placeholders per recipient. A kind adds to that what its own domain knows: merge fields
and how to fill them for each recipient, sample values for previews, checks before
sending, fields an audience may filter on, the consent its recipients must have given,
and what to record when its recipients are frozen. The bulletin is the default kind and
adds nothing. A higher domain declares its own kind and registers it when the app is
created (survey invitations: app/surveys/message_kind.py); this package imports none.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AudienceSource:
    """A field any audience may filter on, picking members by records a kind's domain keeps.

    Its values are ids of those records (surveys, say): `check` returns them cleaned or raises
    ValueError with a message a person can act on, and `condition` turns the cleaned ids into
    a condition on Member.
    """

    name: str
    description: str
    check: Callable[[list], list[int]]
    condition: Callable[[list[int]], object]


@dataclass(frozen=True)
class MessageKind:
    """What a kind of message adds to a bulletin; every part is optional."""

    name: str
    # How a sentence names campaigns of this kind: "and in survey invitations {{ survey_url }}".
    label: str
    # Whether a campaign is of this kind; the default kind takes every campaign no other kind claims.
    claims: Callable[[object], bool] = lambda campaign: False
    # The consent its recipients must have given, which its unsubscribe link withdraws,
    # and how the campaign page says so. None: the purpose the sender chose.
    purpose: str | None = None
    purpose_label: str = ""
    # name -> what it becomes. Only campaigns of this kind fill these; a campaign of another
    # kind that uses one fails the check `elsewhere` names: (what, why).
    merge_fields: Mapping[str, str] = field(default_factory=dict)
    elsewhere: tuple[str, str] = ("", "")
    # (campaign, member ids) -> {merge field: one value per member, in order}.
    fill: Callable[[object, list[int]], dict[str, list[str]]] = lambda campaign, member_ids: {}
    # campaign -> {merge field: value} for previews, test sends and the web version: nobody's own.
    samples: Callable[[object], dict[str, str]] = lambda campaign: {}
    # (campaign, content) -> [(what, passed, why)]: checks its campaigns must pass before sending.
    checks: Callable[[object, str], list[tuple[str, bool, str]]] = lambda campaign, body: []
    # Fields every audience may use, not only this kind's campaigns (a bulletin to a survey's followers).
    audience_sources: tuple[AudienceSource, ...] = ()
    # (campaign, recipients) in the transaction that freezes the recipients, so what it records
    # and the deliveries are saved together or not at all. `recipients` is a SELECT of their member ids.
    on_freeze: Callable[[object, object], None] = lambda campaign, recipients: None


_KINDS: dict[str, MessageKind] = {}


def register(message_kind: MessageKind) -> MessageKind:
    """Make a kind known (again, if one of its name was known), refusing names another kind already uses."""
    for other in _KINDS.values():
        if other.name == message_kind.name:
            continue
        taken = set(other.merge_fields) & set(message_kind.merge_fields)
        taken |= {s.name for s in other.audience_sources} & {s.name for s in message_kind.audience_sources}
        if taken:
            raise ValueError(f"{message_kind.name} uses names the {other.name} kind has: {', '.join(sorted(taken))}")
    _KINDS[message_kind.name] = message_kind
    return message_kind


def kind(name: str) -> MessageKind:
    """The kind registered under `name`; LookupError if there is none."""
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No kind of message is called {name!r}") from None


def kinds() -> list[MessageKind]:
    """Every registered kind, the default first."""
    return list(_KINDS.values())


BULLETIN = register(MessageKind(name="bulletin", label="bulletins"))


def kind_of(campaign) -> MessageKind:
    """The kind a campaign is: the first other kind that claims it, else a bulletin (also for no campaign)."""
    if campaign is not None:
        for candidate in _KINDS.values():
            if candidate is not BULLETIN and candidate.claims(campaign):
                return candidate
    return BULLETIN


def merge_field_kinds() -> dict[str, MessageKind]:
    """Each merge field a kind adds, with the kind that fills it."""
    return {name: k for k in _KINDS.values() for name in k.merge_fields}


def audience_sources() -> dict[str, AudienceSource]:
    """Each audience field the kinds add, by name, in the order they were registered."""
    return {source.name: source for k in _KINDS.values() for source in k.audience_sources}

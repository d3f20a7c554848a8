"""The configurable list of topics people can choose: add, rename, reorder, retire.

A retired topic leaves the sign-up form but stays on the members who chose it,
so their records and past reports still make sense.
"""

import re

from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Topic
from app.transactions import transactional

NAME_MAX_LENGTH = 120


def all_topics() -> list[Topic]:
    """Every topic, active first in their order, then retired ones."""
    return list(db.session.scalars(db.select(Topic).order_by(Topic.active.desc(), Topic.position, Topic.name)))


def get_topic(topic_id: int) -> Topic | None:
    return db.session.get(Topic, topic_id)


def _clean_name(name: str, topic_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidRequest("Enter a name for the topic", 400, {"name": "Enter a name for the topic"})
    if len(name) > NAME_MAX_LENGTH:
        message = f"Topic name must be {NAME_MAX_LENGTH} characters or fewer"
        raise InvalidRequest(message, 400, {"name": message})
    clash = db.session.scalar(db.select(Topic).where(db.func.lower(Topic.name) == name.lower()))
    if clash is not None and clash.id != topic_id:
        raise InvalidRequest(
            "A topic with this name already exists", 400, {"name": "A topic with this name already exists"}
        )
    return name


def _unique_slug(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50] or "topic"
    taken = set(db.session.scalars(db.select(Topic.slug).where(Topic.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transactional
def add_topic(name: str) -> Topic:
    """A new active topic at the end of the list, with a name no other topic has."""
    name = _clean_name(name)
    last = db.session.scalar(db.select(db.func.max(Topic.position))) or 0
    topic = Topic(slug=_unique_slug(name), name=name, position=last + 1, active=True)
    db.session.add(topic)
    return topic


@transactional
def rename_topic(topic: Topic, name: str) -> None:
    """Change the name people see; the slug in links and exports stays the same."""
    topic.name = _clean_name(name, topic.id)


@transactional
def set_topic_active(topic: Topic, active: bool) -> None:
    """Retire a topic (off the sign-up form, kept on members) or bring it back."""
    topic.active = active


@transactional
def move_topic(topic: Topic, direction: str) -> None:
    """Swap a topic with its neighbour among the active topics ("up" or "down")."""
    if direction not in ("up", "down"):
        raise InvalidRequest("Choose up or down", 400)
    ordered = [t for t in all_topics() if t.active]
    # Positions are renumbered first, so ties from older data cannot block a move.
    for index, item in enumerate(ordered):
        item.position = index
    if topic not in ordered:
        return
    index = ordered.index(topic)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index].position, ordered[other].position = ordered[other].position, ordered[index].position

"""Sections that other domains add to a member's record page (groups and attendance, say).

A domain built on members registers a section: a template, and a function giving what it
shows for one member. The record page draws each in turn, so the members domain never
imports the domains that build on it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from app.members.models import Member


@dataclass(frozen=True)
class RecordSection:
    name: str
    template: str  # drawn with `section` = what values(member) returns
    values: Callable[[Member], dict]


_SECTIONS: dict[str, RecordSection] = {}


def register_section(section: RecordSection) -> None:
    """Add `section` to every member's record page; a second section under one name is refused."""
    known = _SECTIONS.get(section.name)
    if known is not None and known is not section:
        raise ValueError(f"Two sections of the member record page are named {section.name!r}")
    _SECTIONS[section.name] = section


def sections_for(member: Member) -> list[tuple[str, dict]]:
    """(template, values) of each registered section for `member`, by name: the same order on every start."""
    return [(s.template, s.values(member)) for s in sorted(_SECTIONS.values(), key=lambda s: s.name)]

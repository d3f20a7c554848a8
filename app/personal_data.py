"""Who holds personal data about a member, and how each part is downloaded and erased.

Each domain that keeps something about a member declares a `Holder` in its own package
(app/members/personal_data.py, app/rosters/personal_data.py, ...) and registers it when
the application is created. "Download my data" (app/members/subject_access.py), erasure
(app/members/erasure.py) and retention run over `holders()`, so the members domain never
imports the domains built on top of it. tests/test_personal_data_registry.py fails when a
table gains a column that can hold personal data and no holder answers for it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False)
class Holder:
    """What one domain keeps about a member: where, how it is downloaded, and what erasure does."""

    name: str
    label: str  # in the users' words: "Groups, meetings, payments and event places"
    # table name -> the columns of it that hold personal data, which this holder answers for.
    covers: Mapping[str, tuple[str, ...]]
    # The keys this holder adds to "download my data"; `export(member)` returns exactly these.
    sections: tuple[str, ...] = ()
    export: Callable[[Any], dict] | None = None
    # Removes the member's personal data inside the erasure's transaction, committing nothing;
    # what it returns is handed to `tell` once the erasure is saved.
    erase: Callable[[Any], Any] | None = None
    # Tells others what the erasure changed for them (a place passed on from a waiting list),
    # after the commit; returns a sentence for staff, "" when there was nothing to tell.
    tell: Callable[[Any], str] | None = None
    # What stays after erasure, and why: anonymous rows that keep counts adding up, say.
    kept: str = ""
    # Holders that come before this one in a download and are erased after it: the member's
    # own record first, then what is built on it, which still finds the person as they were.
    after: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.covers:
            raise ValueError(f"Holder {self.name!r} covers no table")
        if bool(self.sections) != (self.export is not None):
            raise ValueError(f"Holder {self.name!r} must name the sections it exports, and export them")
        if self.erase is None and not self.kept:
            raise ValueError(f"Holder {self.name!r} erases nothing, so it must say what it keeps and why")
        if self.tell is not None and self.erase is None:
            raise ValueError(f"Holder {self.name!r} has something to tell but erases nothing")


_HOLDERS: dict[str, Holder] = {}


def register(holder: Holder) -> None:
    """Declare `holder`; a second holder under one name, or of one download section, is refused."""
    known = _HOLDERS.get(holder.name)
    if known is holder:
        return
    if known is not None:
        raise ValueError(f"Two holders of personal data are named {holder.name!r}")
    for other in _HOLDERS.values():
        shared = set(other.sections) & set(holder.sections)
        if shared:
            raise ValueError(f"Holders {other.name!r} and {holder.name!r} both export {', '.join(sorted(shared))}")
    _HOLDERS[holder.name] = holder


def holders() -> list[Holder]:
    """Every registered holder, each after those it names in `after`, otherwise by name.

    The order is the same on every start, whatever was imported first."""
    placed: list[Holder] = []
    waiting = sorted(_HOLDERS.values(), key=lambda h: h.name)
    for holder in waiting:
        unknown = [name for name in holder.after if name not in _HOLDERS]
        if unknown:
            raise LookupError(f"Holder {holder.name!r} comes after {', '.join(unknown)}, which nobody registered")
    while waiting:
        done = {h.name for h in placed}
        ready = next((h for h in waiting if set(h.after) <= done), None)
        if ready is None:
            raise ValueError(
                "Holders of personal data name each other in `after`: " + ", ".join(h.name for h in waiting)
            )
        placed.append(ready)
        waiting.remove(ready)
    return placed

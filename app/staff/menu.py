"""The staff navigation: (endpoint, label, permission), shown to roles that have the permission."""

STAFF_MENU: list[tuple[str, str, str]] = [
    ("staff.members", "Members", "members.view"),
    ("staff.outbox", "Outbox", "outbox.view"),
    ("representation.index", "Representation", "reports.view"),
    ("panels.index", "Panels", "panels.draw"),
    ("staff.audit_log", "Audit log", "audit.view"),
    ("staff.settings", "Settings", "settings.manage"),
]

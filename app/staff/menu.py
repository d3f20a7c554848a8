"""The staff navigation: (endpoint, label, permission), shown to roles that have the permission."""

STAFF_MENU: list[tuple[str, str, str]] = [
    ("members.list_members", "Members", "members.view"),
    ("members.topics", "Topics", "members.edit"),
    ("staff.outbox", "Outbox", "outbox.view"),
    ("staff.audit_log", "Audit log", "audit.view"),
    ("staff.settings", "Settings", "settings.manage"),
]

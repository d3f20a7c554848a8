"""The staff navigation: (endpoint, label, permission), shown to roles that have the permission."""

STAFF_MENU: list[tuple[str, str, str]] = [
    ("staff.members", "Members", "members.view"),
    ("bulletins.campaigns", "Bulletins", "bulletins.view"),
    ("bulletins.readership", "Readership", "bulletins.report"),
    ("staff.outbox", "Outbox", "outbox.view"),
    ("staff.audit_log", "Audit log", "audit.view"),
    ("staff.settings", "Settings", "settings.manage"),
]

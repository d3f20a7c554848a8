"""The staff navigation: (endpoint, label, permission), shown to roles that have the permission."""

STAFF_MENU: list[tuple[str, str, str]] = [
    ("members.list_members", "Members", "members.view"),
    ("rosters.index", "Groups", "rosters.view"),
    ("meetings.index", "Meetings", "rosters.view"),
    ("organisations.practices", "Practices", "organisations.view"),
    ("members.topics", "Topics", "members.edit"),
    ("members.signup_events", "Sign-up events", "members.view"),
    ("bulletins.campaigns", "Bulletins", "bulletins.view"),
    ("bulletins.readership", "Readership", "bulletins.report"),
    ("staff.outbox", "Outbox", "outbox.view"),
    ("representation.index", "Representation", "reports.view"),
    ("panels.index", "Panels", "panels.draw"),
    ("surveys.index", "Surveys", "surveys.view"),
    ("staff.audit_log", "Audit log", "audit.view"),
    ("staff.settings", "Settings", "settings.manage"),
    ("admin.users", "Staff accounts", "users.manage"),
    ("admin.tokens", "API tokens", "tokens.manage"),
]

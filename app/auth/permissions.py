"""Roles and what each may do: the one permission check used by every view.

A staff page or API endpoint names the permission it needs with @requires;
the role table below is the single source of truth, and a test walks every
staff URL with every role against it.
"""

import functools

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

ROLES = {
    "admin": "Administrator: staff accounts, settings, API tokens and everything else",
    "engagement": "Engagement team: members, rosters and surveys",
    "comms": "Communications team: bulletins",
    "analyst": "Analyst: aggregate reports only",
}

ALL = frozenset(ROLES)

PERMISSIONS: dict[str, frozenset[str]] = {
    "dashboard.view": ALL,
    # A person's own account page and two-factor set-up.
    "account.manage": ALL,
    "reports.view": ALL,
    "members.view": frozenset({"admin", "engagement"}),
    "members.edit": frozenset({"admin", "engagement"}),
    "members.import": frozenset({"admin", "engagement"}),
    "members.export": frozenset({"admin", "engagement"}),
    "members.erase": frozenset({"admin", "engagement"}),
    # Special category data (UK GDPR Article 9): named roles only.
    "equality.view_individual": frozenset({"admin", "engagement"}),
    "organisations.view": ALL,
    "organisations.edit": frozenset({"admin", "engagement"}),
    # Rosters: aggregates for everyone; names for the teams that run groups; contact details need members.view.
    "rosters.view": ALL,
    "rosters.view_members": frozenset({"admin", "engagement", "comms"}),
    "rosters.edit": frozenset({"admin", "engagement"}),
    "rosters.export": frozenset({"admin", "engagement"}),
    "payments.view": frozenset({"admin", "engagement"}),
    "outbox.view": frozenset({"admin", "engagement", "comms"}),
    "bulletins.view": frozenset({"admin", "comms"}),
    "bulletins.edit": frozenset({"admin", "comms"}),
    "bulletins.send": frozenset({"admin", "comms"}),
    # Readership figures are aggregates with small numbers suppressed.
    "bulletins.report": ALL,
    "audit.view": frozenset({"admin"}),
    # Representativeness: running and saving audits, choosing the baseline; the results are aggregates
    # (reports.view) and every figure shown is suppressed.
    "audit.run": frozenset({"admin", "engagement"}),
    "panels.draw": frozenset({"admin", "engagement"}),
    # Surveys: results are aggregates with small numbers suppressed; single responses (free text included)
    # and response exports are for the teams that run consultations.
    "surveys.view": ALL,
    "surveys.edit": frozenset({"admin", "engagement"}),
    "surveys.invite": frozenset({"admin", "engagement", "comms"}),
    "surveys.responses": frozenset({"admin", "engagement"}),
    "users.manage": frozenset({"admin"}),
    "settings.manage": frozenset({"admin"}),
    "tokens.manage": frozenset({"admin"}),
}


def role_can(role: str | None, permission: str) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return role in PERMISSIONS[permission]


def current_role() -> str | None:
    """The role of whoever is making this request: a signed-in user or an API token."""
    token = g.get("api_token")
    if token is not None:
        return token.role
    if current_user.is_authenticated:
        return current_user.role
    return None


def can(permission: str) -> bool:
    return role_can(current_role(), permission)


def requires(permission: str, two_factor_exempt: bool = False):
    """Staff page decorator: sign-in (and two-factor) required, then the permission.

    two_factor_exempt: for the two-factor set-up page itself, which people who must set it
    up are sent to.
    """
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if not two_factor_exempt and current_user.must_set_up_two_factor():
                return redirect(url_for("auth.two_factor_setup"))
            if not role_can(current_user.role, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator

"""Rosters: standing groups, memberships, meetings, attendance and public events."""

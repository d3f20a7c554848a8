"""Fixed lists the rosters use."""

from app.i18n import N_

ROSTER_KINDS = {
    "patient_cabinet": "Patient Cabinet or advisory group",
    "ppg": "Patient Participation Group (one practice)",
    "ppg_chairs": "PPG chairs group (one PCN)",
    "young_people": "Young people's group",
    "citizens_panel": "Citizens' panel",
    "other": "Other group",
}

ROLES = {
    "chair": "Chair",
    "vice_chair": "Vice-chair",
    "member": "Member",
    "lay_member": "Lay member",
    "virtual_member": "Virtual member",
    "observer": "Observer",
}

MEMBERSHIP_STATUSES = {"invited": "Invited", "active": "Active", "ended": "Ended"}

END_REASONS = {
    "resigned": "Resigned",
    "term_ended": "Term ended",
    "renewed": "Renewed for a new term",
    "role_changed": "Role changed",
    "no_longer_eligible": "No longer eligible",
    "lapsed": "Lapsed from the network",
    "did_not_attend": "Did not attend",
    "declined": "Declined the invitation",
    "other": "Other reason",
}

MEETING_KINDS = {
    "cabinet_meeting": N_("Patient Cabinet meeting"),
    "ppg_meeting": N_("PPG meeting"),
    "group_meeting": N_("Group meeting"),
    "big_chat": N_("Big Chat"),
    "mini_chat": N_("Mini Chat"),
    "drop_in": N_("Drop-in"),
}

ATTENDANCE = {"attended": "Attended", "apologies": "Apologies", "did_not_attend": "Did not attend"}

PAYMENT_KINDS = {
    "involvement": "Involvement payment",
    "travel": "Travel expenses",
    "carer": "Carer or childcare costs",
    "other": "Other expenses",
}

"""Fixed lists the rosters use."""

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
    "cabinet_meeting": "Patient Cabinet meeting",
    "ppg_meeting": "PPG meeting",
    "group_meeting": "Group meeting",
    "big_chat": "Big Chat",
    "mini_chat": "Mini Chat",
    "drop_in": "Drop-in",
}

ATTENDANCE = {"attended": "Attended", "apologies": "Apologies", "did_not_attend": "Did not attend"}

PAYMENT_KINDS = {
    "involvement": "Involvement payment",
    "travel": "Travel expenses",
    "carer": "Carer or childcare costs",
    "other": "Other expenses",
}

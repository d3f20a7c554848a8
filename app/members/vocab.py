"""Fixed lists that member records use: contact types, statuses, consent purposes."""

from app.i18n import N_

STATUSES = {
    "pending": "Pending (email not confirmed)",
    "active": "Active",
    "unsubscribed": "Unsubscribed",
    "lapsed": "Lapsed",
    "erased": "Erased",
}

CONTACT_TYPES = {
    "resident": N_("Resident"),
    "patient": N_("Patient"),
    "carer": N_("Carer"),
    "gp_practice_staff": N_("GP practice staff"),
    "organisation_staff": N_("Organisation staff"),
    "stakeholder": N_("Stakeholder"),
}

# Accessible Information Standard: how a person needs us to communicate.
COMMUNICATION_NEEDS = {
    "large_print": N_("Large print"),
    "easy_read": N_("Easy read"),
    "braille": N_("Braille"),
    "bsl": N_("British Sign Language (BSL)"),
    "interpreter": N_("An interpreter or information in another language"),
}

HOW_HEARD = {
    "website": N_("Website"),
    "social_media": N_("Social media"),
    "gp_practice": N_("My GP practice"),
    "event": N_("An event or meeting"),
    "friend": N_("A friend or family member"),
    "community_group": N_("A community or voluntary group"),
    "newsletter": N_("A newsletter"),
    "other": N_("Somewhere else"),
}

CONSENT_METHODS = {
    "web_form": "Web form",
    "paper": "Paper form",
    "event": "At an event",
    "import": "Imported",
    "staff": "Entered by staff",
    "telephone": "By telephone",
}

# How staff (and API clients acting for them) can record consent they collected. The web form
# is not among them: it means the person confirmed their own address (double opt-in).
STAFF_CONSENT_METHODS = ("paper", "event", "telephone", "staff")

# purpose -> (short name, the wording shown to the person, version)
CONSENT_PURPOSES = {
    "bulletin": (
        N_("E-bulletin"),
        N_("Send me the e-bulletin with news about local health services."),
        "2026-1",
    ),
    "involvement": (
        N_("Involvement opportunities"),
        N_("Tell me about opportunities to get involved, such as events, groups and discussions."),
        "2026-1",
    ),
    "surveys": (
        N_("Surveys"),
        N_("Invite me to take part in surveys and consultations."),
        "2026-1",
    ),
    # Channels: how, beyond email, a person agreed to be contacted (app/members/channels.py).
    "text_messages": (
        N_("Text messages"),
        N_("Send me text messages on my mobile phone instead of, or as well as, emails."),
        "2026-1",
    ),
    "post": (
        N_("Letters by post"),
        N_("Send me letters by post."),
        "2026-1",
    ),
    "equality_monitoring": (
        N_("Equality monitoring"),
        N_(
            "I agree that my answers to the equality questions may be stored and used, "
            "together with other people's answers, to check that the people who take part "
            "are like the population we serve. Only named staff can see individual answers."
        ),
        "2026-1",
    ),
}

DEFAULT_TOPICS = [
    ("mental-health", "Mental health"),
    ("maternity", "Maternity"),
    ("urgent-care", "Urgent and emergency care"),
    ("primary-care", "GP and primary care"),
    ("children-young-people", "Children and young people"),
    ("long-term-conditions", "Long-term conditions"),
    ("older-people", "Older people"),
    ("learning-disability-autism", "Learning disability and autism"),
    ("cancer", "Cancer"),
    ("pharmacy", "Pharmacy"),
]

# Census 2021 TS007A bands: (label, lowest age, highest age or None)
AGE_BANDS = [
    ("Aged 4 years and under", 0, 4),
    ("Aged 5 to 9 years", 5, 9),
    ("Aged 10 to 14 years", 10, 14),
    ("Aged 15 to 19 years", 15, 19),
    ("Aged 20 to 24 years", 20, 24),
    ("Aged 25 to 29 years", 25, 29),
    ("Aged 30 to 34 years", 30, 34),
    ("Aged 35 to 39 years", 35, 39),
    ("Aged 40 to 44 years", 40, 44),
    ("Aged 45 to 49 years", 45, 49),
    ("Aged 50 to 54 years", 50, 54),
    ("Aged 55 to 59 years", 55, 59),
    ("Aged 60 to 64 years", 60, 64),
    ("Aged 65 to 69 years", 65, 69),
    ("Aged 70 to 74 years", 70, 74),
    ("Aged 75 to 79 years", 75, 79),
    ("Aged 80 to 84 years", 80, 84),
    ("Aged 85 years and over", 85, None),
]

# Bands people choose when they would rather not give a date of birth.
# Each is a union of Census bands so it still maps onto the baseline.
SELF_REPORTED_AGE_BANDS = {
    "under_16": (N_("Under 16"), 0, 15),
    "16_24": (N_("16 to 24"), 16, 24),
    "25_34": (N_("25 to 34"), 25, 34),
    "35_44": (N_("35 to 44"), 35, 44),
    "45_54": (N_("45 to 54"), 45, 54),
    "55_64": (N_("55 to 64"), 55, 64),
    "65_74": (N_("65 to 74"), 65, 74),
    "75_plus": (N_("75 and over"), 75, None),
}


def age_on(born, on) -> int:
    """Whole years between a date of birth and a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def self_reported_band_for_age(age: int) -> str:
    for code, (_, low, high) in SELF_REPORTED_AGE_BANDS.items():
        if age >= low and (high is None or age <= high):
            return code
    return "75_plus"

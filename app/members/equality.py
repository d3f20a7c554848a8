"""The equality-monitoring questions (GSS harmonised standards, GOV.UK pattern).

Every answer is optional and has "Prefer not to say". Each stored code maps to
a Census 2021 category label exactly as ONS publishes it (see
shared data: ltla_baselines.csv), so members compare with the population.

Questions, labels and hints are English, as stored codes are shown to staff and in exports;
they are marked for the catalogues, and a public page shows them in its language.
"""

from app.i18n import N_

PREFER_NOT_TO_SAY = "prefer_not_to_say"

# Broad ethnic group code -> (label shown, Census 2021 broad label)
ETHNIC_GROUPS = {
    "white": (N_("White"), "White"),
    "mixed": (N_("Mixed or multiple ethnic groups"), "Mixed or Multiple ethnic groups"),
    "asian": (N_("Asian or Asian British"), "Asian, Asian British or Asian Welsh"),
    "black": (
        N_("Black, African, Caribbean or Black British"),
        "Black, Black British, Black Welsh, Caribbean or African",
    ),
    "other": (N_("Other ethnic group"), "Other ethnic group"),
}

# Detailed code -> (broad code, label shown, Census 2021 detailed label)
ETHNIC_BACKGROUNDS = {
    "white_british": (
        "white",
        N_("English, Welsh, Scottish, Northern Irish or British"),
        "White: English, Welsh, Scottish, Northern Irish or British",
    ),
    "white_irish": ("white", N_("Irish"), "White: Irish"),
    "white_gypsy_traveller": ("white", N_("Gypsy or Irish Traveller"), "White: Gypsy or Irish Traveller"),
    "white_roma": ("white", N_("Roma"), "White: Roma"),
    "white_other": ("white", N_("Any other White background"), "White: Other White"),
    "mixed_white_black_caribbean": (
        "mixed",
        N_("White and Black Caribbean"),
        "Mixed or Multiple ethnic groups: White and Black Caribbean",
    ),
    "mixed_white_black_african": (
        "mixed",
        N_("White and Black African"),
        "Mixed or Multiple ethnic groups: White and Black African",
    ),
    "mixed_white_asian": ("mixed", N_("White and Asian"), "Mixed or Multiple ethnic groups: White and Asian"),
    "mixed_other": (
        "mixed",
        N_("Any other Mixed or multiple ethnic background"),
        "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups",
    ),
    "asian_indian": ("asian", N_("Indian"), "Asian, Asian British or Asian Welsh: Indian"),
    "asian_pakistani": ("asian", N_("Pakistani"), "Asian, Asian British or Asian Welsh: Pakistani"),
    "asian_bangladeshi": ("asian", N_("Bangladeshi"), "Asian, Asian British or Asian Welsh: Bangladeshi"),
    "asian_chinese": ("asian", N_("Chinese"), "Asian, Asian British or Asian Welsh: Chinese"),
    "asian_other": ("asian", N_("Any other Asian background"), "Asian, Asian British or Asian Welsh: Other Asian"),
    "black_african": ("black", N_("African"), "Black, Black British, Black Welsh, Caribbean or African: African"),
    "black_caribbean": ("black", N_("Caribbean"), "Black, Black British, Black Welsh, Caribbean or African: Caribbean"),
    "black_other": (
        "black",
        N_("Any other Black, African or Caribbean background"),
        "Black, Black British, Black Welsh, Caribbean or African: Other Black",
    ),
    "other_arab": ("other", N_("Arab"), "Other ethnic group: Arab"),
    "other_any": ("other", N_("Any other ethnic group"), "Other ethnic group: Any other ethnic group"),
}

# code -> (label shown, Census 2021 label)
SEXES = {
    "female": (N_("Female"), "Female"),
    "male": (N_("Male"), "Male"),
}

GENDER_IDENTITY_SAME = {
    "yes": (N_("Yes"), None),
    "no": (N_("No"), None),
}

SEXUAL_ORIENTATIONS = {
    "straight": (N_("Straight or heterosexual"), "Straight or Heterosexual"),
    "gay_lesbian": (N_("Gay or lesbian"), "Gay or Lesbian"),
    "bisexual": (N_("Bisexual"), "Bisexual"),
    "other": (N_("Other sexual orientation"), "All other sexual orientations"),
}

# The GSS harmonised standard asks two questions; only both together say whether someone is
# disabled as the Census 2021 counts it, so the long-term condition alone maps to no category.
DISABILITY = {
    "yes": (N_("Yes"), None),
    "no": (N_("No"), None),
}

DISABILITY_IMPACT = {
    "a_lot": (N_("Yes, a lot"), None),
    "a_little": (N_("Yes, a little"), None),
    "not_at_all": (N_("Not at all"), None),
}

DISABLED = "Disabled under the Equality Act"
NOT_DISABLED = "Not disabled under the Equality Act"

RELIGIONS = {
    "none": (N_("No religion"), "No religion"),
    "christian": (N_("Christian"), "Christian"),
    "buddhist": (N_("Buddhist"), "Buddhist"),
    "hindu": (N_("Hindu"), "Hindu"),
    "jewish": (N_("Jewish"), "Jewish"),
    "muslim": (N_("Muslim"), "Muslim"),
    "sikh": (N_("Sikh"), "Sikh"),
    "other": (N_("Any other religion"), "Other religion"),
}

# field name -> (question, code table, census characteristic or None)
QUESTIONS = {
    "ethnic_group": (N_("What is your ethnic group?"), ETHNIC_GROUPS, "broad_ethnic_group"),
    "ethnic_background": (
        N_("Which of the following best describes your background?"),
        ETHNIC_BACKGROUNDS,
        "ethnic_group",
    ),
    "sex": (N_("What is your sex?"), SEXES, "sex"),
    "gender_identity_same": (
        N_("Is the gender you identify with the same as your sex registered at birth?"),
        GENDER_IDENTITY_SAME,
        None,
    ),
    "sexual_orientation": (
        N_("Which of the following best describes your sexual orientation?"),
        SEXUAL_ORIENTATIONS,
        "sexual_orientation",
    ),
    "disability": (
        N_(
            "Do you have any physical or mental health conditions or illness lasting or expected to last 12 months or more?"
        ),
        DISABILITY,
        "disability",
    ),
    "disability_impact": (
        N_("Does your condition or illness reduce your ability to carry out day-to-day activities?"),
        DISABILITY_IMPACT,
        "disability",
    ),
    "religion": (N_("What is your religion?"), RELIGIONS, "religion"),
}

FREE_TEXT_FIELDS = ("ethnic_other", "sexual_orientation_other", "religion_other")

# The "any other" answers under which a person may describe theirs in their own words.
DESCRIBED_BACKGROUNDS = ("white_other", "mixed_other", "asian_other", "black_other", "other_any")
DESCRIBED = {"sexual_orientation": "other", "religion": "other"}

# Follow-up questions: only kept when the question they follow was answered this way.
FOLLOW_UPS = {"disability_impact": ("disability", "yes")}
# Hints shown under a question, wherever the equality questions are asked.
HINTS = {"disability_impact": N_("Answer this if you said yes to the question about a long-term condition or illness.")}


def choices(field: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a question, with "Prefer not to say" last."""
    table = QUESTIONS[field][1]
    pairs = [(code, value[1] if field == "ethnic_background" else value[0]) for code, value in table.items()]
    return pairs + [(PREFER_NOT_TO_SAY, N_("Prefer not to say"))]


def backgrounds_of(group: str) -> list[tuple[str, str]]:
    """(code, label) pairs of the backgrounds within one broad ethnic group, in census order."""
    return [(code, label) for code, (broad, label, _) in ETHNIC_BACKGROUNDS.items() if broad == group]


def valid(field: str, code: str | None) -> bool:
    return code in (None, "", PREFER_NOT_TO_SAY) or code in QUESTIONS[field][1]


def census_category(field: str, code: str | None) -> str | None:
    """The Census 2021 category an answer counts towards, or None (unknown or declined)."""
    if not code or code == PREFER_NOT_TO_SAY:
        return None
    value = QUESTIONS[field][1].get(code)
    if value is None:
        return None
    return value[2] if field == "ethnic_background" else value[1]


def census_disability(condition: str | None, impact: str | None) -> str | None:
    """The Census 2021 category (disabled under the Equality Act or not) from both answers, or None.

    Census 2021 counts as disabled a person with a long-term condition that limits their
    day-to-day activities a lot or a little. A condition with no answer on its effect is not known.
    """
    if condition == "no":
        return NOT_DISABLED
    if condition != "yes":
        return None
    if impact in ("a_lot", "a_little"):
        return DISABLED
    if impact == "not_at_all":
        return NOT_DISABLED
    return None


def tidy(answers: dict) -> dict:
    """The answers to keep: a follow-up is dropped unless its question got the answer it follows."""
    kept = dict(answers)
    for field, (parent, wanted) in FOLLOW_UPS.items():
        if kept.get(parent) != wanted:
            kept[field] = None
    return kept

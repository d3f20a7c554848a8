"""Where to look for more people of each group: advice per characteristic and category, edited by admins

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 16:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

# The curated advice as shipped (app/representation/advice.py defaults()), by number below.
ADVICE = (
    "youth and student services, colleges and sixth forms, youth councils, young carers' groups, and social media",
    "workplaces, parent and toddler groups, nurseries and school gates, sports clubs, and social media",
    "workplaces, community centres, carers' groups, faith groups, and local radio and newspapers",
    "older people's forums, lunch clubs, libraries, GP practices and pharmacies, and printed materials",
    "workplaces, parent and toddler groups, nurseries and school gates, sports clubs, and social media; workplaces, community centres, carers' groups, faith groups, and local radio and newspapers",
    "local groups and services used by people of these ages, and social media",
    "places and groups used mostly by the under-represented sex (e.g. men's sheds, parent and baby groups)",
    "community, faith and voluntary organisations, and events in the areas where more people of the group live",
    "community, faith and voluntary organisations serving the group, and translated materials",
    "faith groups and places of worship",
    "disabled people's organisations, carers' groups, and accessible formats (easy read, BSL)",
    "LGBT+ community groups and events",
    "trans and non-binary community groups and events",
    "the postcodes of these areas (download the list): community centres, GP practices, schools, food banks and door-to-door or local advertising there",
)
# (characteristic, category, number of its advice in ADVICE); category "" is any other group.
SEED = (
    ("age_band", "Aged 4 years and under", 0),
    ("age_band", "Aged 5 to 9 years", 0),
    ("age_band", "Aged 10 to 14 years", 0),
    ("age_band", "Aged 15 to 19 years", 0),
    ("age_band", "Aged 20 to 24 years", 0),
    ("age_band", "Aged 25 to 29 years", 1),
    ("age_band", "Aged 30 to 34 years", 1),
    ("age_band", "Aged 35 to 39 years", 1),
    ("age_band", "Aged 40 to 44 years", 1),
    ("age_band", "Aged 45 to 49 years", 1),
    ("age_band", "Aged 50 to 54 years", 2),
    ("age_band", "Aged 55 to 59 years", 2),
    ("age_band", "Aged 60 to 64 years", 2),
    ("age_band", "Aged 65 to 69 years", 3),
    ("age_band", "Aged 70 to 74 years", 3),
    ("age_band", "Aged 75 to 79 years", 3),
    ("age_band", "Aged 80 to 84 years", 3),
    ("age_band", "Aged 85 years and over", 3),
    ("age_band", "Aged 24 years and under", 0),
    ("age_band", "Aged 25 to 34 years", 1),
    ("age_band", "Aged 35 to 44 years", 1),
    ("age_band", "Aged 45 to 54 years", 4),
    ("age_band", "Aged 55 to 64 years", 2),
    ("age_band", "Aged 65 to 74 years", 3),
    ("age_band", "Aged 75 years and over", 3),
    ("age_band", "", 5),
    ("sex", "Female", 6),
    ("sex", "Male", 6),
    ("sex", "", 6),
    ("broad_ethnic_group", "Asian, Asian British or Asian Welsh", 7),
    ("broad_ethnic_group", "Black, Black British, Black Welsh, Caribbean or African", 7),
    ("broad_ethnic_group", "Mixed or Multiple ethnic groups", 7),
    ("broad_ethnic_group", "White", 7),
    ("broad_ethnic_group", "Other ethnic group", 7),
    ("broad_ethnic_group", "", 7),
    ("ethnic_group", "Asian, Asian British or Asian Welsh: Bangladeshi", 8),
    ("ethnic_group", "Asian, Asian British or Asian Welsh: Chinese", 8),
    ("ethnic_group", "Asian, Asian British or Asian Welsh: Indian", 8),
    ("ethnic_group", "Asian, Asian British or Asian Welsh: Pakistani", 8),
    ("ethnic_group", "Asian, Asian British or Asian Welsh: Other Asian", 8),
    ("ethnic_group", "Black, Black British, Black Welsh, Caribbean or African: African", 8),
    ("ethnic_group", "Black, Black British, Black Welsh, Caribbean or African: Caribbean", 8),
    ("ethnic_group", "Black, Black British, Black Welsh, Caribbean or African: Other Black", 8),
    ("ethnic_group", "Mixed or Multiple ethnic groups: White and Asian", 8),
    ("ethnic_group", "Mixed or Multiple ethnic groups: White and Black African", 8),
    ("ethnic_group", "Mixed or Multiple ethnic groups: White and Black Caribbean", 8),
    ("ethnic_group", "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", 8),
    ("ethnic_group", "White: English, Welsh, Scottish, Northern Irish or British", 8),
    ("ethnic_group", "White: Irish", 8),
    ("ethnic_group", "White: Gypsy or Irish Traveller", 8),
    ("ethnic_group", "White: Roma", 8),
    ("ethnic_group", "White: Other White", 8),
    ("ethnic_group", "Other ethnic group: Arab", 8),
    ("ethnic_group", "Other ethnic group: Any other ethnic group", 8),
    ("ethnic_group", "", 8),
    ("religion", "No religion", 9),
    ("religion", "Christian", 9),
    ("religion", "Buddhist", 9),
    ("religion", "Hindu", 9),
    ("religion", "Jewish", 9),
    ("religion", "Muslim", 9),
    ("religion", "Sikh", 9),
    ("religion", "Other religion", 9),
    ("religion", "", 9),
    ("disability", "Disabled under the Equality Act", 10),
    ("disability", "Not disabled under the Equality Act", 10),
    ("disability", "", 10),
    ("sexual_orientation", "Straight or Heterosexual", 11),
    ("sexual_orientation", "Gay or Lesbian", 11),
    ("sexual_orientation", "Bisexual", 11),
    ("sexual_orientation", "All other sexual orientations", 11),
    ("sexual_orientation", "", 11),
    ("gender_identity", "Gender identity the same as sex registered at birth", 12),
    ("gender_identity", "Gender identity different from sex registered at birth but no specific identity given", 12),
    ("gender_identity", "Trans woman", 12),
    ("gender_identity", "Trans man", 12),
    ("gender_identity", "All other gender identities", 12),
    ("gender_identity", "", 12),
    ("imd_decile", "1", 13),
    ("imd_decile", "2", 13),
    ("imd_decile", "3", 13),
    ("imd_decile", "4", 13),
    ("imd_decile", "5", 13),
    ("imd_decile", "6", 13),
    ("imd_decile", "7", 13),
    ("imd_decile", "8", 13),
    ("imd_decile", "9", 13),
    ("imd_decile", "10", 13),
    ("imd_decile", "", 13),
)


def upgrade():
    table = op.create_table(
        "outreach_advice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("characteristic", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("advice", sa.String(length=500), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["staff_user.id"], name=op.f("fk_outreach_advice_changed_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_advice")),
        sa.UniqueConstraint("characteristic", "category", name="uq_outreach_advice_group"),
    )
    op.bulk_insert(
        table, [{"characteristic": key, "category": category, "advice": ADVICE[n]} for key, category, n in SEED]
    )


def downgrade():
    op.drop_table("outreach_advice")

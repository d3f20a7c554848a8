"""Surveys and consultations: questions on pages, responses and their answers, invitations, outcomes.

Anonymity is structural: a response to an anonymous survey is stored with no member
and no invitation, so nothing in the database leads from it to a person. Invitations
to an identified survey are single use: UNIQUE(response.invitation_id).
"""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.extensions import db
from app.statistics.disclosure import new_record_key

# open: anyone with the link; invitation: identified, single-use links sent to members;
# anonymous: anyone with the link, and the response keeps no link to a person.
MODES = {
    "open": "Open link: anyone with the link can answer",
    "invitation": "By invitation: each member gets a single-use link and their answers are kept with their record",
    "anonymous": "Anonymous: anyone with the link can answer and answers are never linked to a person",
}
STATUSES = ("draft", "open", "closed")
# How a response reached us: online, or typed in by staff from paper or a telephone call.
CHANNELS = {"online": "Online", "paper": "Paper", "telephone": "Telephone"}


class Survey(db.Model):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(db.String(200))
    # The public address: random, so survey ids cannot be walked.
    slug: Mapped[str] = mapped_column(db.String(40), unique=True)
    introduction: Mapped[str] = mapped_column(db.Text, default="")
    mode: Mapped[str] = mapped_column(db.String(20), default="open")
    status: Mapped[str] = mapped_column(db.String(20), default="draft", index=True)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    target_responses: Mapped[int | None]
    privacy_notice: Mapped[str] = mapped_column(db.Text, default="")
    # Asked before the first question when set; a respondent must agree to go on.
    consent_question: Mapped[str] = mapped_column(db.String(500), default="")
    include_equality: Mapped[bool] = mapped_column(default=False)
    thank_you: Mapped[str] = mapped_column(db.Text, default="")
    # Respondents who are not members may ask to join the network at the end.
    offer_signup: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
    published_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # "We asked, you said, we did": published on the public consultations page once the survey closes.
    we_asked: Mapped[str] = mapped_column(db.Text, default="")
    you_said: Mapped[str] = mapped_column(db.Text, default="")
    we_did: Mapped[str] = mapped_column(db.Text, default="")
    outcome_published_at: Mapped[datetime | None]

    pages = relationship("SurveyPage", order_by="SurveyPage.position", cascade="all, delete-orphan")
    questions = relationship("Question", order_by="Question.position", cascade="all, delete-orphan")

    @property
    def anonymous(self) -> bool:
        return self.mode == "anonymous"


class SurveyTranslation(db.Model):
    """One piece of a survey's wording in another language, keyed by what it translates.

    field: "survey.title", "page.<id>.title", "question.<id>.text", "question.<id>.option.<code>" and
    so on (app/surveys/translations.py). source keeps the English it was translated from, so a field
    whose English has changed since counts as untranslated again.
    """

    __tablename__ = "survey_translation"
    __table_args__ = (db.UniqueConstraint("survey_id", "language", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(db.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(db.String(5))
    field: Mapped[str] = mapped_column(db.String(80))
    text: Mapped[str] = mapped_column(db.Text, default="")
    source: Mapped[str] = mapped_column(db.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=now)


class SurveyPage(db.Model):
    __tablename__ = "survey_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(db.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(db.String(200), default="")
    # Skip logic: {"question_id": n, "op": "equals|not_equals|any_of|answered", "values": [codes]}; empty shows always.
    show_if: Mapped[dict] = mapped_column(db.JSON, default=dict)

    questions = relationship("Question", order_by="Question.position", viewonly=True)


class Question(db.Model):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(db.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int] = mapped_column(db.ForeignKey("survey_page.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(db.String(20))
    text: Mapped[str] = mapped_column(db.String(500))
    help_text: Mapped[str] = mapped_column(db.String(1000), default="")
    required: Mapped[bool] = mapped_column(default=False)
    # Choices: [{"code": "a", "label": "..."}]; matrix rows likewise; settings hold min/max and scale labels.
    options: Mapped[list] = mapped_column(db.JSON, default=list)
    rows: Mapped[list] = mapped_column(db.JSON, default=list)
    settings: Mapped[dict] = mapped_column(db.JSON, default=dict)
    show_if: Mapped[dict] = mapped_column(db.JSON, default=dict)
    # A question with answers is never deleted; it is hidden from new respondents instead.
    hidden: Mapped[bool] = mapped_column(default=False)


class BankQuestion(db.Model):
    """A saved question that can be copied into any survey."""

    __tablename__ = "bank_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(db.String(20))
    text: Mapped[str] = mapped_column(db.String(500))
    help_text: Mapped[str] = mapped_column(db.String(1000), default="")
    required: Mapped[bool] = mapped_column(default=False)
    options: Mapped[list] = mapped_column(db.JSON, default=list)
    rows: Mapped[list] = mapped_column(db.JSON, default=list)
    settings: Mapped[dict] = mapped_column(db.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Invitation(db.Model):
    """One member's single-use link to an identified survey."""

    __tablename__ = "survey_invitation"
    __table_args__ = (db.UniqueConstraint("survey_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(db.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(db.ForeignKey("member.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    campaign_id: Mapped[int | None] = mapped_column(db.ForeignKey("campaign.id", ondelete="SET NULL"))
    last_reminded_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]


class Follower(db.Model):
    """A member who asked to hear what came of a survey; deliberately not linked to any response."""

    __tablename__ = "survey_follower"

    survey_id: Mapped[int] = mapped_column(db.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(db.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Response(db.Model):
    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(db.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    # Both stay empty for an anonymous survey, always.
    member_id: Mapped[int | None] = mapped_column(db.ForeignKey("member.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("survey_invitation.id", ondelete="SET NULL"), unique=True
    )
    channel: Mapped[str] = mapped_column(db.String(20), default="online")
    entered_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id", ondelete="SET NULL"))
    # Save and resume: the link carries a signed response id and this secret's hash is kept.
    resume_hash: Mapped[str] = mapped_column(db.String(64), default="")
    page_reached: Mapped[int] = mapped_column(default=0)
    consented: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(default=now)
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
    # Disclosure control's record key (app/statistics/disclosure.py): random, drawn once, never shown.
    record_key: Mapped[int] = mapped_column(db.SmallInteger, default=new_record_key, server_default="0")
    # The language the questions were shown in (app/i18n.py LANGUAGES); answers are the same codes in any.
    language: Mapped[str] = mapped_column(db.String(5), default="en", server_default="en")

    answers = relationship("Answer", cascade="all, delete-orphan", passive_deletes=True)


class Answer(db.Model):
    __tablename__ = "survey_answer"
    __table_args__ = (db.UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(db.ForeignKey("survey_response.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(db.ForeignKey("question.id", ondelete="CASCADE"), index=True)
    # The validated value: a code, a list of codes, a number, ISO date text, free text or {row: code}.
    value: Mapped[object] = mapped_column(db.JSON)


class ResponseEquality(db.Model):
    """Equality-monitoring answers given in a survey: special category data, kept apart like the members' own."""

    __tablename__ = "survey_response_equality"

    response_id: Mapped[int] = mapped_column(db.ForeignKey("survey_response.id", ondelete="CASCADE"), primary_key=True)
    age_band: Mapped[str | None] = mapped_column(db.String(20))
    ethnic_group: Mapped[str | None] = mapped_column(db.String(40))
    ethnic_background: Mapped[str | None] = mapped_column(db.String(40))
    sex: Mapped[str | None] = mapped_column(db.String(40))
    gender_identity_same: Mapped[str | None] = mapped_column(db.String(40))
    sexual_orientation: Mapped[str | None] = mapped_column(db.String(40))
    disability: Mapped[str | None] = mapped_column(db.String(40))
    disability_impact: Mapped[str | None] = mapped_column(db.String(40))
    religion: Mapped[str | None] = mapped_column(db.String(40))


class Theme(db.Model):
    """A code in the coding frame of a free-text question."""

    __tablename__ = "survey_theme"
    __table_args__ = (db.UniqueConstraint("question_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(db.ForeignKey("question.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(db.String(100))


class AnswerTheme(db.Model):
    __tablename__ = "survey_answer_theme"

    answer_id: Mapped[int] = mapped_column(db.ForeignKey("survey_answer.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(db.ForeignKey("survey_theme.id", ondelete="CASCADE"), primary_key=True)

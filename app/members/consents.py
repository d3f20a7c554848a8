"""Recording consent: giving and withdrawing it, with how, the exact words and who recorded it;
the channel consents (texts, letters) kept in step with a member's input. Inside the caller's transaction."""

from app.clock import now
from app.extensions import db
from app.members import channels
from app.members.models import Consent, Member, MemberEvent
from app.members.vocab import CONSENT_METHODS, CONSENT_PURPOSES


def _event(member: Member, kind: str, detail: str = "", staff_user_id: int | None = None) -> None:
    db.session.add(MemberEvent(member=member, kind=kind, detail=detail[:500], staff_user_id=staff_user_id))
    member.last_activity_at = now()


def _give_consent(member: Member, purpose: str, method: str, staff_user_id: int | None = None) -> Consent:
    if purpose not in CONSENT_PURPOSES:
        raise ValueError(purpose)
    if method not in CONSENT_METHODS:
        raise ValueError(method)
    existing = member.live_consent(purpose)
    if existing is not None:
        return existing
    _, wording, version = CONSENT_PURPOSES[purpose]
    consent = Consent(
        member=member,
        purpose=purpose,
        method=method,
        wording=wording,
        wording_version=version,
        recorded_by_id=staff_user_id,
        given_at=now(),
    )
    db.session.add(consent)
    return consent


def _withdraw_consent(member: Member, purpose: str, method: str) -> bool:
    withdrawn = False
    for consent in member.consents:
        if consent.purpose == purpose and consent.withdrawn_at is None:
            consent.withdrawn_at = now()
            consent.withdrawn_method = method
            withdrawn = True
    return withdrawn


def _channel_consents_after(member: Member | None, data) -> set[str]:
    if data.channel_consents is not None:
        return set(data.channel_consents)
    if member is None:
        return set()
    return {p for p in channels.CHANNEL_CONSENT_PURPOSES if member.live_consent(p) is not None}


def _check_channels(member: Member | None, data, errors: dict[str, str]) -> None:
    if "mobile" not in errors:
        for name, message in channels.channel_problems(
            data.mobile, data.preferred_channel, _channel_consents_after(member, data)
        ).items():
            errors.setdefault(name, message)


def _apply_channel_consents(member: Member, data, staff_user_id: int | None) -> list[str]:
    """Give or withdraw the channel consents so that exactly data.channel_consents are live."""
    if data.channel_consents is None:
        return []
    changed = []
    wanted = set(data.channel_consents)
    for purpose in channels.CHANNEL_CONSENT_PURPOSES:
        name = CONSENT_PURPOSES[purpose][0]
        if purpose in wanted and member.live_consent(purpose) is None:
            _give_consent(member, purpose, data.channel_consent_method, staff_user_id)
            _event(member, "consent_given", f"Agreed to: {name}", staff_user_id)
            changed.append(purpose)
        elif purpose not in wanted and _withdraw_consent(member, purpose, data.channel_consent_method):
            _event(member, "consent_withdrawn", f"Withdrew: {name}", staff_user_id)
            changed.append(purpose)
    return changed


def stop_texts(member: Member, method: str = "web_form") -> bool:
    """Withdraw consent to texts and prefer email again; True when there was something to stop."""
    stopped = _withdraw_consent(member, "text_messages", method)
    if member.preferred_channel == "sms":
        member.preferred_channel = "email"
        stopped = True
    if stopped:
        _event(member, "consent_withdrawn", "Withdrew: Text messages (from the link in a text)")
    return stopped

"""What the e-bulletins hold about a member: who was sent what, opens and clicks, the suppression list."""

from app.personal_data import Holder, register

register(
    Holder(
        name="bulletins",
        label="E-bulletins and invitations sent to you, and whether they were opened or clicked",
        covers={
            "delivery": ("member_id", "reason"),
            "tracking_event": ("delivery_id", "user_agent", "raw"),
            "suppression": ("email_normalised",),
            # The provider's webhook body as received, addresses included, until it is processed;
            # processing keeps ids and facts only (app/newsletters/webhooks.py, PERSONAL_FIELDS).
            "webhook_batch": ("body",),
        },
        kept=(
            "Which bulletins went to the record, and when they were opened or clicked, stay with the"
            " anonymous record so each bulletin's figures still add up. An address on the suppression"
            " list after a bounce, complaint or unsubscribe stays there, so it is not mailed again."
        ),
        after=("members",),
    )
)

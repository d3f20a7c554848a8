"""What a panel draw holds about members: the pool it drew from and the panel that came out."""

from app.personal_data import Holder, register

register(
    Holder(
        name="panels",
        label="Panel draws you were in the pool for",
        covers={
            # The pool's ids (member ids, or a staff file's own) with the features the quotas
            # counted, and the ids drawn.
            "panel_draw": ("inputs", "result"),
        },
        kept=(
            "A draw keeps its pool, ids and the features its quotas counted, and the panel it drew, so"
            " anyone can check and repeat it; after erasure the ids lead only to anonymous records."
        ),
        after=("members",),
    )
)

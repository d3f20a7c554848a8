"""RQ jobs for panels: each takes ids, reloads state and checks it first."""

from app.jobs import job
from app.panels import services


@job("panels.run_draw")
def run_draw(draw_id: int) -> None:
    services.run_draw(draw_id)

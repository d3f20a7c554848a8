"""RQ jobs for panels: each takes ids, reloads state and checks it first."""

from app.jobs import with_app_context


@with_app_context
def run_draw(draw_id: int) -> None:
    from app.panels import services

    services.run_draw(draw_id)

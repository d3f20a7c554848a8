"""RQ jobs for bulletins: each takes ids, reloads state and checks it first."""

from app.jobs import with_app_context


@with_app_context
def send_batch(campaign_id: int, delivery_ids: list[int], paced: bool = False) -> dict:
    from app.newsletters import sending

    return sending.send_batch(campaign_id, delivery_ids, paced=paced)


@with_app_context
def process_webhook_batch(batch_id: int) -> int:
    from app.newsletters import webhooks

    return webhooks.process_batch(batch_id)


@with_app_context
def refresh_stats(campaign_id: int) -> None:
    from app.newsletters import reports

    reports.refresh_stats(campaign_id)


@with_app_context
def refresh_recent_stats() -> int:
    from app.newsletters import reports

    return reports.refresh_recent()


@with_app_context
def sweep() -> dict:
    from app.newsletters import sweeper

    return sweeper.sweep()

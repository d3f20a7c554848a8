"""RQ jobs for bulletins: each takes ids, reloads state and checks it first.

The modules that do the work enqueue these by name (`jobs.enqueue("bulletins.send_batch", ...)`),
so none of them imports this one.
"""

from app.jobs import job
from app.newsletters import batches, reports, sweeper, webhooks


@job("bulletins.send_batch")
def send_batch(campaign_id: int, delivery_ids: list[int], paced: bool = False) -> dict:
    return batches.send_batch(campaign_id, delivery_ids, paced=paced)


@job("bulletins.process_webhook_batch")
def process_webhook_batch(batch_id: int) -> int:
    return webhooks.process_batch(batch_id)


@job("bulletins.refresh_stats")
def refresh_stats(campaign_id: int) -> None:
    reports.refresh_stats(campaign_id)


@job("bulletins.refresh_recent_stats")
def refresh_recent_stats() -> int:
    return reports.refresh_recent()


@job("bulletins.sweep")
def sweep() -> dict:
    return sweeper.sweep()

"""A send rate kept by every worker together: each batch reserves its slot in time before it goes.

With Redis, the next free moment lives in one key, moved on atomically by a script that
reads Redis's own clock, so workers on several machines share one rate. Without Redis,
jobs run in one process and a dictionary does the same.
"""

import time

from flask import current_app

# Returns how long the caller must wait, and books the slot after it.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(free, now)
redis.call('SET', KEYS[1], string.format('%.6f', start + tonumber(ARGV[1])), 'EX', 86400)
return string.format('%.6f', start - now)
"""
_local: dict[str, float] = {}


def rate_for(campaign) -> tuple[str, int]:
    """(pacing key, messages per second) for a campaign: its own rate, else the organisation's; 0 is unlimited."""
    key, rate = "all", int(current_app.config["BULLETIN_SEND_RATE"] or 0)
    if campaign.send_rate:
        key, rate = f"campaign:{campaign.id}", int(campaign.send_rate)
    if current_app.config["MAIL_BACKEND"] == "notify":
        from app.mail.notify import NOTIFY_MAX_RATE

        # Notify takes 3,000 a minute for the whole service (more only if Notify raised the service's
        # limit: NOTIFY_RATE_LIMIT): every campaign shares that one limit.
        limit = int(current_app.config.get("NOTIFY_RATE_LIMIT") or NOTIFY_MAX_RATE)
        return "notify", min(rate or limit, limit)
    return key, rate


def reserve(key: str, messages: int, rate: int) -> float:
    """Seconds to wait before sending `messages`, so that all sends under `key` keep to `rate` per second."""
    duration = messages / rate
    url = current_app.config.get("REDIS_URL")
    if url:
        from redis import Redis

        connection = Redis.from_url(url)
        try:
            return float(connection.eval(_RESERVE, 1, f"involve:send-pace:{key}", duration))
        finally:
            connection.close()
    now = time.monotonic()
    start = max(_local.get(key, 0.0), now)
    _local[key] = start + duration
    return start - now

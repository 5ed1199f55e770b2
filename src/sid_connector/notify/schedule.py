"""When items may go out: quiet hours hold them, digests wait for their daily or weekly moment."""

from __future__ import annotations

import datetime as dt

from sid_connector.notify.settings import NotifySettings


def in_quiet_hours(settings: NotifySettings, moment: dt.datetime) -> bool:
    """True inside the configured window (local time); the window may cross midnight."""
    if settings.quiet_hours is None:
        return False
    start, end = settings.quiet_hours
    now = settings.local(moment).time()
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def digest_moment(settings: NotifySettings, mode: str, moment: dt.datetime) -> dt.datetime:
    """The next daily (or weekly) digest time after ``moment``, in UTC."""
    local = settings.local(moment)
    target = local.replace(hour=settings.digest_time.hour, minute=settings.digest_time.minute, second=0, microsecond=0)
    if target <= local:
        target += dt.timedelta(days=1)
    if mode == "weekly":
        while target.weekday() != settings.weekly_day:
            target += dt.timedelta(days=1)
    return target.astimezone(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    """The outbox's time format (UTC, second precision)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date(settings: NotifySettings, moment: dt.datetime) -> str:
    return settings.local(moment).date().isoformat()

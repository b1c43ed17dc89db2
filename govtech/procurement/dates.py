"""Tokyo dates over naive-UTC timestamps: deadlines end at 23:59:59 in Tokyo on the chosen day."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from govtech.core.models import utcnow

TOKYO_OFFSET = timedelta(hours=9)  # Japan has no daylight saving time


def end_of_day_utc(day: date) -> datetime:
    """23:59:59 in Tokyo on that day, as the naive UTC the database stores."""
    return datetime.combine(day, time(23, 59, 59)) - TOKYO_OFFSET


def tokyo_today() -> date:
    """Today's date in Tokyo."""
    return (utcnow() + TOKYO_OFFSET).date()


def tokyo_date(value: datetime) -> date:
    """The Tokyo calendar date of a naive-UTC timestamp."""
    return (value + TOKYO_OFFSET).date()

"""Times as every answer of dxam writes them: ISO 8601 in UTC, ending in Z (as DRF renders datetimes)."""

from datetime import UTC, datetime


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")

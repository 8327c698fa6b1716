"""A generated customer's profitability figures, from the few numbers they follow from.

Get Customer adds these figures to the list item. For generated customers they are computed
when asked for, from what was collected and spent in cents, so a store keeps eight bytes a
customer for them instead of their JSON; the same function makes them for exported records,
so the two always agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

__all__ = ["AS_OF", "AS_OF_MS", "DAYS_A_MONTH", "DAY_MS", "figures", "months_since"]

# The instant generated figures are as of (and the latest a generated record may be updated).
AS_OF: Final = datetime(2026, 11, 1, tzinfo=UTC)
AS_OF_MS: Final = int(AS_OF.timestamp()) * 1000
DAY_MS: Final = 86_400_000
DAYS_A_MONTH: Final = 30.44


def months_since(created_ms: int) -> float:
    """Whole days from `created_ms` to `AS_OF`, in months of 30.44 days; at least one."""
    return max(1.0, (AS_OF_MS - created_ms) // DAY_MS / DAYS_A_MONTH)


def figures(created_ms: int, collected_cents: int, cost_cents: int, devices: int, rentals: int) -> dict[str, Any]:
    """The figures, in the order Get Customer lists them, for a customer created at `created_ms`."""
    margin = collected_cents - cost_cents
    return {
        "lifetimeCollected": collected_cents / 100,
        "totalAcquisitionCost": cost_cents / 100,
        "customerMargin": margin / 100,
        "customerMarginPercent": round(margin * 100 / collected_cents, 2) if collected_cents else None,
        "subscriptionsTracked": rentals,
        "costRecoveryPercent": round(collected_cents * 100 / cost_cents, 2) if cost_cents else None,
        "averageMonthlyRevenue": round(collected_cents / months_since(created_ms) / 100, 2),
        "devicesEver": rentals,
        "activeDevices": devices,
    }

"""The API's paths, defined once: its prefix, List Customers' path and Get/Update Customer's.

The edge dispatches reads by them, the journal keeps the requests under the prefix, network
faults spoil the answers under `/v1/customers`, and the recorder asks a deployment for them.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "API_PREFIX",
    "ITEM_PATH",
    "ITEM_PREFIX",
    "LIST_PATH",
    "customer_id_in",
    "is_api_path",
    "is_customers_path",
]

API_PREFIX: Final = "/v1"
"""Every API operation's path begins here; the docs, health and control endpoints' do not."""
LIST_PATH: Final = API_PREFIX + "/customers"
"""List Customers."""
ITEM_PREFIX: Final = LIST_PATH + "/"
ITEM_PATH: Final = ITEM_PREFIX + "{customerId}"
"""Get Customer and Update Customer, as the contract writes the path (and Starlette's route matches it)."""
_API_LENGTH: Final = len(API_PREFIX)
_LIST_LENGTH: Final = len(LIST_PATH)


def is_api_path(path: str) -> bool:
    """Whether `path` is under the API's `/v1` (not the docs, health or control endpoints)."""
    # Spelled out rather than through a shared helper: the request edge asks this of every request.
    return path.startswith(API_PREFIX) and (len(path) == _API_LENGTH or path[_API_LENGTH] == "/")


def is_customers_path(path: str) -> bool:
    """Whether `path` is `/v1/customers` or under it: the paths of the API's operations."""
    return path.startswith(LIST_PATH) and (len(path) == _LIST_LENGTH or path[_LIST_LENGTH] == "/")


def customer_id_in(path: str) -> str | None:
    """The `{customerId}` of a Get Customer path, as Starlette's route matches it; None for other paths."""
    if not path.startswith(ITEM_PREFIX):
        return None
    customer_id = path[len(ITEM_PREFIX) :]
    return customer_id if customer_id and "/" not in customer_id else None

"""Faker-made values that generated customers are drawn from, a small pool per locale.

Calling Faker per customer is far too slow for a million customers, so Faker fills small pools
once per seed and every customer is drawn from them. Only the providers the pools need are
loaded: a locale's full set of providers takes longer to import than the pools take to fill.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

__all__ = ["ADMIN_AREAS", "LOCALES", "LocalePool", "NAMES", "PLACES", "Pools", "STAFF", "USER_NAMES", "build_pools"]

# (Faker locale, share of customers, ISO country); non-Latin scripts included on purpose.
LOCALES: Final = (
    ("en_US", 30, "US"),
    ("en_GB", 12, "GB"),
    ("de_DE", 12, "DE"),
    ("fr_FR", 8, "FR"),
    ("es_ES", 6, "ES"),
    ("pl_PL", 5, "PL"),
    ("sv_SE", 4, "SE"),
    ("cs_CZ", 3, "CZ"),
    ("ja_JP", 4, "JP"),
    ("zh_CN", 3, "CN"),
    ("ru_RU", 3, "RU"),
    ("el_GR", 2, "GR"),
)
NAMES: Final = 100
PLACES: Final = 20
ADMIN_AREAS: Final = 10
USER_NAMES: Final = 60
STAFF: Final = 6
_PROVIDERS: Final = [f"faker.providers.{name}" for name in ("person", "company", "address", "phone_number", "internet")]


@dataclass(frozen=True, slots=True)
class LocalePool:
    """Faker-made values of one locale; every tuple but `admin_areas` is full (see the sizes above)."""

    country: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    companies: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    postcodes: tuple[str, ...]
    admin_areas: tuple[str, ...]
    phones: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pools:
    """Every locale's pool, the locales' shares of customers, and pools shared by all locales."""

    locales: tuple[LocalePool, ...]
    weights: tuple[int, ...]
    user_names: tuple[str, ...]
    staff: tuple[str, ...]


@lru_cache(maxsize=8)
def build_pools(seed: int) -> Pools:
    """Fill the pools from Faker, seeded so that one seed always gives the same pools.

    They are immutable, so a process that builds several datasets of one seed (an app per test, say)
    fills them once: loading Faker's locales costs more than the draws."""
    from faker import Faker  # imported here: serving a fixture file never pays for Faker

    locales = []
    for index, (locale, _, country) in enumerate(LOCALES):
        fake = Faker(locale, providers=_PROVIDERS)
        fake.seed_instance(seed * 1000 + index)
        admin = getattr(fake, "administrative_unit", None) or getattr(fake, "state", None)
        locales.append(
            LocalePool(
                country=country,
                first_names=_draw(fake.first_name, NAMES),
                last_names=_draw(fake.last_name, NAMES),
                companies=_draw(fake.company, PLACES),
                streets=_draw(fake.street_address, PLACES),
                cities=_draw(fake.city, PLACES),
                postcodes=_draw(fake.postcode, PLACES),
                admin_areas=_draw(admin, ADMIN_AREAS) if admin else (),
                phones=_draw(fake.phone_number, PLACES),
            )
        )
    english = Faker("en_US", providers=_PROVIDERS)
    english.seed_instance(seed)
    return Pools(
        locales=tuple(locales),
        weights=tuple(weight for _, weight, _ in LOCALES),
        user_names=_draw(english.user_name, USER_NAMES),
        staff=tuple(name.lower() for name in _draw(english.first_name, STAFF)),
    )


def _draw(method: Callable[[], str], size: int) -> tuple[str, ...]:
    return tuple(method() for _ in range(size))

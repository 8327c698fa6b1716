"""Seeded, deterministic data: Faker pools, seeded draws, identifiers, emails, the drawn columns, their
list items as JSON fragments, and the dataset builder that turns settings into one indexed store per
tenant (generated here, or read from a fixture file). It may import the domain and storage (it fills
storage's columns), numpy and Faker; never HTTP.
"""

from __future__ import annotations

__all__: list[str] = []

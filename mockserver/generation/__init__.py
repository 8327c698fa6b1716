"""Seeded, deterministic data: Faker pools, seeded draws, identifiers, emails, the drawn columns, their
list items as JSON fragments, and each sort field's column (`sortcolumns`), made into one table per
tenant (`generator.generate_tables`). It only generates: a fixture file is loaded by storage, and
`mockserver/dataset.py` chooses between the two. It may import the domain and storage (it fills
storage's columns), numpy and Faker; never HTTP.
"""

from __future__ import annotations

__all__: list[str] = []

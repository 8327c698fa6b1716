"""How a broken promise is reported: what was documented, what was received."""

from __future__ import annotations


class ContractViolation(AssertionError):
    """The target broke a promise of the contract; `title` says which, `details` what was seen."""

    def __init__(self, title: str, details: str) -> None:
        super().__init__(f"{title}\n{details}")
        self.title = title
        self.details = details

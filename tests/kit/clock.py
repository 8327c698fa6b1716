"""A pacer that reads a clock the tests move by hand, so that the kit's pacing is tested without waiting."""

from __future__ import annotations

from contract_tests.transport.client import Pacer
from tests.helpers import FakeTime


def pacer(per_minute: float | None, time: FakeTime) -> Pacer:
    return Pacer(per_minute, clock=time.clock, sleep=time.sleep)

"""Recording a deployment's tenants into a fixture file: `flexportal-mock record`.

Wiring at the top of the mock, beside `cli.py`: it may import every layer of the mock and,
alone in the mock, the contract kit's transport client (`contract_tests.transport.client`), so
that recording reaches a deployment the one careful way the kit does. `anonymise.py` and
`pseudonyms.py` are pure; `recorder.py` holds the traversal, `progress.py` its resumable state,
`command.py` the command line.
"""

from __future__ import annotations

__all__: list[str] = []

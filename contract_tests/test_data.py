"""The platform's data rules, checked over the customers a run can afford to read.

Findings are a separate verdict from the contract: they are listed in the summary, and fail
the run only with `--strict-data`.
"""

from __future__ import annotations

from contract_tests.checks.consistency import data_findings
from contract_tests.run.kit import Kit
from contract_tests.spec.queries import Query
from contract_tests.violations import ContractViolation


def test_data_consistency(kit: Kit) -> None:
    """Business customers have a company, counts match their id lists, no revenue without devices, …

    Every page any property fetches is held to the rules of one record (`checks.records`); this
    traversal adds what only the whole list shows: an email held by two customers.
    """
    kit.begin()
    traversal = kit.traverse(Query(limit=kit.contract.limit_max))
    findings = data_findings(traversal.items)
    kit.add_findings(findings)
    if findings and kit.strict_data:
        shown = "\n".join(f"{finding.rule}: {finding.customer_id}: {finding.detail}" for finding in findings[:10])
        raise ContractViolation(
            f"{len(findings)} data-consistency finding(s) (--strict-data)", shown, finding_class="data-consistency"
        )

"""Findings: what a failure carries under Hypothesis' wrappers, its severity, the gate, the baseline and the reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis.errors import FailedHealthCheck, FlakyFailure, FlakyStrategyDefinition
from junitparser import Error, Failure, JUnitXml, Skipped

from contract_tests.run.findings import Finding, headline, normalised
from contract_tests.run.gate import BaselineError, Entry, Gate, baseline_document, read_baseline
from contract_tests.run.reports import Judged, PropertyResult, counts, json_report, junit_xml, markdown
from contract_tests.transport.client import Exchange
from contract_tests.violations import FINDING_CLASSES, ContractViolation, Severity, Symptom, severity_of

LEAK = ContractViolation(
    "two tenants list the same customers", "acme and globex both list ['cus_1']", finding_class="tenant-data-shared"
)
CURLS = ["curl http://t/v1/customers   # -> 200"]


def _raised_while_handling(first: BaseException, second: BaseException) -> BaseException:
    try:
        try:
            raise first
        except BaseException:
            raise second from None
    except BaseException as error:
        error.__suppress_context__ = False
        return error


# --- the headline ---------------------------------------------------------------------------------


def test_a_violation_inside_hypothesis_flaky_failure_is_the_headline() -> None:
    flaky = FlakyFailure("Falsified on the first call but did not on a subsequent one", [LEAK])
    (finding,) = headline("test_tenant_isolation", flaky, CURLS)
    assert finding.message == "two tenants list the same customers"
    assert finding.finding_class == "tenant-data-shared" and finding.severity is Severity.SECURITY


def test_inconsistent_data_generation_raised_while_handling_a_violation_reports_the_violation() -> None:
    error = _raised_while_handling(LEAK, FlakyStrategyDefinition("Inconsistent data generation! external state?"))
    (finding,) = headline("test_tenant_isolation", error, CURLS)
    assert finding.message == LEAK.title and "Inconsistent" not in finding.message


def test_a_health_check_reports_the_failed_example_it_interrupted() -> None:
    log = [Exchange(url="http://t/v1/customers", headers=(), status=200)]
    (finding,) = headline(
        "test_tenant_isolation", FailedHealthCheck("data too large"), CURLS, earlier=(LEAK, log), replay=[]
    )
    assert finding.message == LEAK.title
    assert finding.curl == (log[0].curl(),)  # the failed example's own requests


def test_where_the_target_answered_one_request_two_ways_the_two_answers_are_the_finding() -> None:
    first = [Exchange(url="http://t/v1/customers?limit=5", headers=(("Tenant-ID", "acme"),), status=500)]
    again = [Exchange(url="http://t/v1/customers?limit=5", headers=(("Tenant-ID", "acme"),), status=200)]
    error = FlakyStrategyDefinition("Inconsistent data generation!")
    (finding,) = headline("test_page_shape", error, CURLS, earlier=(KeyError("items"), first), replay=again)
    assert finding.finding_class == "inconsistent-answers"
    assert finding.message == "the target answered the same request two ways"
    (line,) = finding.curl
    assert "limit=5" in line and "# -> 200" in line and "(the first time: 500)" in line


def test_each_symptom_is_a_finding_with_its_own_reproduction() -> None:
    violation = ContractViolation(
        "cursors are not bound",
        "two ways",
        finding_class="cursor-not-bound-to-query",
        symptoms=[
            Symptom("cursor-not-bound-to-query", "a cursor resumed another query", 3, 12, ("curl a",)),
            Symptom("cursor-server-error", "a cursor of another query answered 500", 1, 12, ("curl b",)),
        ],
    )
    found = headline("test_cursor_robustness", violation, CURLS)
    assert [(f.finding_class, f.curl, f.count, f.tries) for f in found] == [
        ("cursor-not-bound-to-query", ("curl a",), 3, 12),
        ("cursor-server-error", ("curl b",), 1, 12),
    ]


def test_an_error_that_is_no_finding_is_unclassified_and_titled_by_its_first_line() -> None:
    (finding,) = headline("test_order", KeyError("customers"), CURLS)
    assert finding.finding_class == "unclassified" and finding.message == "'customers'"


def test_an_unknown_class_counts_as_conformance() -> None:
    assert severity_of("a-class-not-in-the-table") is Severity.CONFORMANCE
    assert {severity_of(name) for name in ("tenant-data-shared", "order", "server-error")} == set(Severity)
    assert all(name == name.lower() and " " not in name for name in FINDING_CLASSES)


def test_a_detail_keeps_no_value_that_changes_between_runs() -> None:
    text = "email='Ana@x.io' did not list cus_8zVHE3g2ZeDjSM3J after startAfter=WzIsImFj on page 3 of status=active"
    assert normalised(text) == "email=… did not list … after startAfter=… on page N of status=…"


# --- the gate and the baseline ---------------------------------------------------------------------

DUPLICATE = Finding("test_traversal", "duplicate", "a traversal returned a customer more than once")
LEAKED = Finding("test_tenant_isolation", "tenant-data-shared", "two tenants list the same customers")


def test_fail_on_accepts_findings_below_it() -> None:
    gate = Gate(Severity.SECURITY)
    assert gate.accepted(DUPLICATE) == "correctness, below --fail-on security"
    assert gate.accepted(LEAKED) is None


def test_a_baseline_accepts_only_what_it_records_and_lists_what_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(baseline_document([DUPLICATE, LEAKED], None))
    gate = Gate(baseline=read_baseline(path))
    assert gate.accepted(DUPLICATE) == "in the baseline"
    new = Finding("test_traversal", "duplicate", "a traversal under writes returned a customer twice")
    assert gate.accepted(new) is None
    gone = gate.no_longer_seen([DUPLICATE], held=["test_tenant_isolation", "test_order"])
    assert gone == [Entry.of(LEAKED)]
    assert gate.no_longer_seen([DUPLICATE], held=[]) == []  # a property not run says nothing


def test_a_baseline_written_beside_one_only_shrinks(tmp_path: Path) -> None:
    kept = frozenset({Entry.of(DUPLICATE)})
    new = Finding("test_order", "order", "customers are out of order")
    document = json.loads(baseline_document([DUPLICATE, new], kept))
    assert document["findings"] == [
        {"property": "test_traversal", "class": "duplicate", "detail": "a traversal returned a customer more than once"}
    ]


def test_a_baseline_that_is_not_one_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "kit.xml"
    path.write_text("<testsuites/>")
    with pytest.raises(BaselineError, match="kit.xml is not a baseline"):
        read_baseline(path)


# --- the reports -----------------------------------------------------------------------------------


def _results() -> list[PropertyResult]:
    return [
        PropertyResult("test_page_shape", "contract_tests.test_pagination"),
        PropertyResult("test_traversal", "contract_tests.test_pagination", "failed", findings=[Judged(DUPLICATE)]),
        PropertyResult("test_tenant_isolation", "contract_tests.test_access", "skipped", "needs --other-tenant"),
        PropertyResult("test_direction", "contract_tests.test_pagination", "skipped", "not checked: budget spent"),
        PropertyResult(
            "test_order",
            "contract_tests.test_pagination",
            "accepted",
            "accepted: in the baseline",
            [Judged(Finding("test_order", "order", "customers are out of order"), "in the baseline")],
        ),
    ]


def test_junit_holds_one_case_per_property_with_its_verdict(tmp_path: Path) -> None:
    path = tmp_path / "kit.xml"
    path.write_bytes(junit_xml(_results()))
    xml = JUnitXml.fromfile(str(path))
    (suite,) = list(xml)
    assert (suite.tests, suite.failures, suite.errors, suite.skipped) == (5, 1, 0, 3)
    cases = {case.name: case for case in suite}
    assert cases["test_page_shape"].is_passed
    (failure,) = cases["test_traversal"].result
    assert isinstance(failure, Failure) and failure.message == DUPLICATE.message and failure.type == "duplicate"
    (skipped,) = cases["test_direction"].result
    assert isinstance(skipped, Skipped) and skipped.type == "not-checked" and skipped.message.startswith("not checked")
    (accepted,) = cases["test_order"].result
    assert isinstance(accepted, Skipped) and accepted.type == "accepted"
    assert counts(_results()) == "1 failed, 1 passed, 2 skipped, 1 xfailed"


def test_an_early_exit_is_one_errored_case_naming_the_cause(tmp_path: Path) -> None:
    path = tmp_path / "kit.xml"
    path.write_bytes(junit_xml([], early_exit=("unreachable", "target unreachable: 127.0.0.1:9 refused")))
    (suite,) = list(JUnitXml.fromfile(str(path)))
    (case,) = list(suite)
    (error,) = case.result
    assert isinstance(error, Error) and error.message == "target unreachable: 127.0.0.1:9 refused"
    assert (suite.tests, suite.errors) == (1, 1)


def test_json_and_markdown_list_each_finding_with_its_severity() -> None:
    document = json.loads(json_report(_results(), exit_status=1, no_longer_seen=[]))
    assert [(f["property"], f["class"], f["severity"], f["accepted"]) for f in document["findings"]] == [
        ("test_traversal", "duplicate", "correctness", None),
        ("test_order", "order", "correctness", "in the baseline"),
    ]
    text = markdown(_results(), exit_status=1)
    assert "1 failed, 1 passed, 2 skipped, 1 xfailed (exit status 1)" in text
    assert "| `test_direction` | skipped | not checked: budget spent |" in text

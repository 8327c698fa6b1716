"""The kit's pytest glue: its options (`run/options.py`) and profiles, the target, the phases, the reports.

Loaded by `python -m contract_tests` and by `pytest --pyargs contract_tests` alike.
"""

from __future__ import annotations

import inspect
import os
import shutil
import tempfile
import time
from collections.abc import Generator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from contract_tests.run.budgeted import RunClient, one_example, plan_run, share_spent
from contract_tests.run.conformance import conformance_schema
from contract_tests.run.findings import headline
from contract_tests.run.gate import LEVELS, BaselineError, Gate, read_baseline
from contract_tests.run.kit import Kit
from contract_tests.run.options import PROFILES, add_options, ci_cache_folder, option
from contract_tests.run.outputs import (
    Outputs,
    finish_reports,
    judge_failure,
    property_result,
    record_phase,
    write_outputs,
)
from contract_tests.run.phases import run_phases
from contract_tests.run.plan import run_budget
from contract_tests.run.preflight import preflight
from contract_tests.run.summary import INCOMPLETE, NOT_CHECKED, RunRecord, summary
from contract_tests.run.target import Target, in_process_target, spec_document
from contract_tests.spec.collations import CollationError, collation
from contract_tests.spec.contract import SpecError, contract_from_spec
from contract_tests.spec.coverage import ENUMERATIONS
from contract_tests.transport.client import (
    API_KEY_ENV,
    OTHER_API_KEY_ENV,
    Budget,
    Credentials,
    Pacer,
)

RECORD_KEY = pytest.StashKey[RunRecord]()
KIT_KEY = pytest.StashKey[Kit]()
GATE_KEY = pytest.StashKey[Gate]()


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    add_options(parser, pluginmanager)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """No pytest-xdist workers for `-n auto` (a project's addopts, say): the budget, pace and summary are one run's."""
    return 0


def pytest_configure(config: pytest.Config) -> None:
    profile = option(config, "profile") or "ci"
    if profile not in PROFILES:
        raise pytest.UsageError(f"--profile must be one of {sorted(PROFILES)}, not {profile!r}")
    if option(config, "base_url") and not (option(config, "api_key") and option(config, "tenant")):
        raise pytest.UsageError(f"--base-url needs --tenant and an API key (${API_KEY_ENV} or --api-key)")
    _check_spec_collation(config)
    baseline = None
    if config.getoption("baseline") is not None:
        try:
            baseline = read_baseline(config.getoption("baseline"))
        except BaselineError as error:
            raise pytest.UsageError(str(error)) from None
    recording = config.getoption("write_baseline") is not None
    config.stash[GATE_KEY] = Gate(LEVELS[config.getoption("fail_on")], baseline, recording=recording)
    hypothesis_settings.register_profile(
        f"flexportal-kit-{profile}",
        deadline=None,
        print_blob=False,
        # No explain phase: its extra runs of a failing example would spend requests on commentary.
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.differing_executors],
        **PROFILES[profile],
    )
    hypothesis_settings.load_profile(f"flexportal-kit-{profile}")
    if profile == "ci" and not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        # Nothing of a ci run's examples is kept, and nothing is written in the working folder: Hypothesis'
        # caches go to the user's cache folder, or where there is none to a folder removed at the end.
        home = ci_cache_folder()
        if home is None:
            scratch = tempfile.mkdtemp(prefix="flexportal-kit-")
            config.add_cleanup(lambda: shutil.rmtree(scratch, ignore_errors=True))
            home = Path(scratch)
        set_hypothesis_home_dir(home)
    config.stash[RECORD_KEY] = RunRecord()


def _check_spec_collation(config: pytest.Config) -> None:
    """A usage error now, rather than a failure in every property, when the spec's collation cannot be computed here."""
    if config.getoption("string_collation") is not None and config.getoption("id_collation") is not None:
        return
    try:
        rules = contract_from_spec(spec_document(config.getoption("spec"))).ordering
    except (OSError, SpecError, yaml.YAMLError):
        return  # the spec fixture reports it
    overridden = (config.getoption("string_collation"), config.getoption("id_collation"))
    for name, override in zip((rules.collation, rules.id_collation), overridden, strict=True):
        if override is not None or name is None:
            continue
        try:
            collation(name)
        except CollationError as error:
            raise pytest.UsageError(f"the spec's x-ordering collation: {error}") from None


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    base_url = option(pytestconfig, "base_url")
    if base_url is None:
        with in_process_target(pytestconfig.getoption("app"), api_key=option(pytestconfig, "api_key")) as served:
            yield served
        return
    api_key, tenant = option(pytestconfig, "api_key"), option(pytestconfig, "tenant")
    other_tenant = option(pytestconfig, "other_tenant")
    other = None
    if other_tenant:
        other_key = option(pytestconfig, "other_api_key") or api_key
        key_env = OTHER_API_KEY_ENV if other_key != api_key else API_KEY_ENV
        other = Credentials(tenant=other_tenant, api_key=other_key, key_env=key_env)
    yield Target(base_url=base_url, main=Credentials(tenant=tenant, api_key=api_key), other=other)


@pytest.fixture(scope="session")
def spec(pytestconfig: pytest.Config) -> dict[str, Any]:
    return spec_document(pytestconfig.getoption("spec"))


@pytest.fixture(scope="session")
def kit(
    request: pytest.FixtureRequest, pytestconfig: pytest.Config, target: Target, spec: dict[str, Any]
) -> Iterator[Kit]:
    contract = contract_from_spec(spec)
    rules = contract.ordering
    collation = pytestconfig.getoption("string_collation")
    id_collation = pytestconfig.getoption("id_collation")
    tie_direction = pytestconfig.getoption("tie_breaker_direction")
    rules = replace(
        rules,
        collation=collation or rules.collation,
        id_collation=id_collation or rules.id_collation,
        tie_direction=tie_direction or rules.tie_direction,
    )
    deadline = pytestconfig.getoption("deadline")
    limit, rate = run_budget(
        pytestconfig.getoption("max_requests"),
        pytestconfig.getoption("plan"),
        pytestconfig.getoption("rate"),
        deadline,
        in_process=target.in_process,
    )
    client = RunClient(
        target.base_url,
        tenant_header=contract.tenant_header,
        budget=Budget(limit),
        pacer=Pacer(rate),
        timeout=pytestconfig.getoption("timeout"),
        retries=pytestconfig.getoption("retries"),
        backoff=pytestconfig.getoption("backoff"),
        deadline=None if deadline is None else time.monotonic() + deadline,
    )
    for credentials in (target.main, target.other):
        if credentials is not None:
            client.keep_secret(credentials)
    session = Kit(
        contract=contract,
        rules=rules,
        target=target,
        client=client,
        max_pages=pytestconfig.getoption("max_pages"),
        strict_data=pytestconfig.getoption("strict_data"),
        allow_writes=pytestconfig.getoption("allow_writes"),
    )
    pytestconfig.stash[KIT_KEY] = session
    try:
        verdict = None if target.in_process else preflight(session)
        if verdict is not None:
            pytestconfig.stash[RECORD_KEY].verdict = verdict
            pytest.exit(verdict.line, returncode=verdict.status)
        properties = [item.name for item in request.session.items]
        profile = option(pytestconfig, "profile") or "ci"
        warning = plan_run(session, properties, limit, examples=int(PROFILES[profile]["max_examples"]))
        if warning is not None:
            pytestconfig.stash[RECORD_KEY].warnings.append(warning)
        yield session
    finally:
        client.close()


@pytest.fixture(scope="session")
def openapi_schema(pytestconfig: pytest.Config, spec: dict[str, Any], kit: Kit) -> schemathesis.BaseSchema:
    examples = kit.plan.examples.get("test_schema_conformance") if kit.plan is not None else None
    return conformance_schema(spec, kit, thorough=option(pytestconfig, "profile") == "thorough", examples=examples)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Run a property within its share of the budget, counting the examples that ran to the end."""
    kit = item.config.stash.get(KIT_KEY, None)
    if kit is None or "kit" not in getattr(item, "fixturenames", ()):
        return (yield)
    share = kit.client.budget.open(item.name)
    handle = getattr(getattr(item, "obj", None), "hypothesis", None)
    record = item.config.stash[RECORD_KEY]
    record.running = item.name
    kit.coverage.running = item.name
    try:
        if handle is not None:
            # Hypothesis runs `inner_test` once per example; plugins may wrap it.
            inner = handle.inner_test
            handle.inner_test = one_example(kit, inner)
            try:
                return (yield)
            finally:
                handle.inner_test = inner
        if "case" in getattr(item, "fixturenames", ()):
            return (yield)  # Schemathesis: check_case counts each case as an example
        with kit.example():
            return (yield)
    except BaseException as error:
        spent = share_spent(error) if share.stopped else None
        if spent is None:
            raise
        # The property stops here: its verdict is what its examples have shown so far.
        if share.failure is not None:
            kit.client.log[:] = share.failure_log
            share.failure.add_note(f"(shrinking stopped: {spent}; this is the smallest failing example found)")
            raise share.failure from None
        if share.completed:
            return None
        raise pytest.skip.Exception(f"{NOT_CHECKED}: {spent}", _use_item_location=True) from None
    finally:
        record.running = None
        kit.coverage.running = None
        kit.client.budget.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """A property with a finite space walks it, then Hypothesis draws, then it fills its share (`run.phases`)."""
    kit = pyfuncitem.config.stash.get(KIT_KEY, None)
    handle = getattr(pyfuncitem.obj, "hypothesis", None)
    if kit is None or handle is None or pyfuncitem.name not in ENUMERATIONS:
        return None
    args = {name: pyfuncitem.funcargs[name] for name in inspect.signature(pyfuncitem.obj).parameters}
    run_phases(kit, pyfuncitem.name, handle.inner_test, args, lambda: pyfuncitem.obj(**args))
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    kit = item.config.stash.get(KIT_KEY, None)
    record = item.config.stash[RECORD_KEY]
    if report.when == "call" and report.passed and kit is not None:
        share = kit.client.budget.shares.get(item.name)
        if share is not None and share.completed == 0:
            # Passed without one example run to the end (Schemathesis lets a skipped case pass): not checked.
            why = share.unavailable or share.stopped or "none of its examples ran to the end"
            report.outcome = "skipped"
            report.longrepr = (str(item.path), (item.location[1] or 0) + 1, f"Skipped: {NOT_CHECKED}: {why}")
    if (
        report.skipped
        and isinstance(report.longrepr, tuple)
        and report.longrepr[2].startswith(f"Skipped: {NOT_CHECKED}")
    ):
        record.unchecked.setdefault(item.name, report.longrepr[2].removeprefix("Skipped: "))
    if report.when == "call" and report.failed and call.excinfo is not None:
        curls = [exchange.curl() for exchange in kit.recorded] if isinstance(kit, Kit) else []
        share = kit.client.budget.shares.get(item.name) if isinstance(kit, Kit) else None
        earlier = (share.failure, share.failure_log) if share is not None and share.failure is not None else None
        replay = kit.recorded if isinstance(kit, Kit) else []
        findings = headline(item.name, call.excinfo.value, curls, earlier=earlier, replay=replay)
        result = property_result(record, item)
        judge_failure(report, record, result, item.config.stash[GATE_KEY], findings, curls)
        if curls:
            report.sections.append(("reproduce (curl)", "\n".join(curls)))
    record_phase(record, item, report)
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    terminalreporter.section("FlexPortal contract kit")
    kit, record = config.stash.get(KIT_KEY, None), config.stash.get(RECORD_KEY, RunRecord())
    for line in summary(kit, record, strict_data=config.getoption("strict_data")):
        terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    record = config.stash.get(RECORD_KEY, None)
    if record is None:
        return
    gate = config.stash[GATE_KEY]
    finish_reports(record, gate)
    if record.unchecked and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = INCOMPLETE
    if record.verdict is not None:
        # pytest prints no terminal summary for the kit's own exit statuses: the kit's block is printed here.
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            pytest_terminal_summary(reporter, int(session.exitstatus), config)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    outputs = Outputs(
        junit=_path(config.getoption("kit_junitxml", None)),
        report_json=_path(config.getoption("report_json")),
        step_summary=_path(step_summary),
        write_baseline=config.getoption("write_baseline"),
    )
    write_outputs(record, gate, outputs, int(session.exitstatus))


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def pytest_itemcollected(item: pytest.Item) -> None:
    # Schemathesis' fixture-loaded schemas read and rename `_nodeid`, which pytest 9.2 replaced
    # with a structured id; give its test the attribute it expects.
    if item.name == "test_schema_conformance" and not hasattr(item, "_nodeid"):
        item._nodeid = item.nodeid  # type: ignore[attr-defined]

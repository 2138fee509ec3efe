"""Property: whatever a hand edit does to a plan, the validator answers with findings, never a crash.

Hypothesis mutates the example plans of plans/ the way people break files: on the loaded data
(drop a key, give a value another type, reorder a mapping, then write it out again) and on the
text (repeat a line, which repeats a key; drop or swap lines; splice in arbitrary text). Every
outcome must be a list of findings; a plan with no error must go on through status and every
page template. A few examples go through the real `mkdocs build`, which either succeeds with a
page for every plan or fails with findings in the contract's line format.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from conftest import AS_OF, EXAMPLE_PLANS, build_site, make_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planportal import render
from planportal.caseload import load_caseload
from planportal.findings import RULE_LEVELS, Finding
from planportal.loader import load_file
from planportal.status import caseload_status

EXAMPLES = sorted(EXAMPLE_PLANS.rglob("*.yaml"))
TEXTS = {path: path.read_text(encoding="utf-8") for path in EXAMPLES}
BUILD_FINDING_LINE = re.compile(r"^(ERROR|WARNING) +- +plans/\S+:\d+:\d+: (error|warning) PP\d{3} .+$")

#: Values a careless edit or a paste leaves where another type belongs.
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.sampled_from(["2007-02-30", "ongoing", "annual-review", "July 12, 2007", "", " ", "client", "no"]),
    st.lists(st.text(max_size=8), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)


def containers(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every mapping and list in the plan with its path, the plan itself first."""
    found = [(path, value)] if isinstance(value, dict | list) else []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in children:
        found += containers(child, (*path, key))
    return found


def mutate_data(data: st.DataObject, plan: dict[str, Any]) -> str:
    """Drop, retype or reorder something in the loaded plan; the plan written out as YAML."""
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        candidates = [(p, c) for p, c in containers(plan) if c]
        if not candidates:
            break
        _, container = data.draw(st.sampled_from(candidates), label="container")
        keys = list(container) if isinstance(container, dict) else list(range(len(container)))
        key = data.draw(st.sampled_from(keys), label="key")
        edit = data.draw(st.sampled_from(["drop", "retype", "reorder"]), label="edit")
        if edit == "drop":
            del container[key]
        elif edit == "retype":
            container[key] = data.draw(ANY_VALUE, label="value")
        elif isinstance(container, dict):
            order = data.draw(st.permutations(keys), label="order")
            items = {k: container.pop(k) for k in order}
            container.update(items)
        else:
            container.reverse()
    return yaml.safe_dump(plan, sort_keys=False, allow_unicode=True)


def mutate_text(data: st.DataObject, text: str) -> str:
    """Repeat, drop or swap lines, or splice arbitrary text in at any place."""
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        lines = text.splitlines(keepends=True)
        edit = data.draw(st.sampled_from(["repeat", "drop", "swap", "splice"]), label="edit")
        at = data.draw(st.integers(0, len(lines) - 1), label="line")
        if edit == "repeat":
            lines.insert(at, lines[at])
        elif edit == "drop":
            del lines[at]
        elif edit == "swap":
            other = data.draw(st.integers(0, len(lines) - 1), label="other line")
            lines[at], lines[other] = lines[other], lines[at]
        else:
            line = lines[at]
            cut = data.draw(st.integers(0, len(line)), label="column")
            lines[at] = line[:cut] + data.draw(st.text(max_size=30), label="spliced") + line[cut:]
        text = "".join(lines) or "\n"
    return text


def mutated(data: st.DataObject) -> tuple[Path, str]:
    """One example plan, mutated one way or the other; its path in plans/ and its new text."""
    source = data.draw(st.sampled_from(EXAMPLES), label="plan")
    if data.draw(st.booleans(), label="on the data"):
        document = load_file(source, source.name).document
        assert document is not None
        return source, mutate_data(data, document.data)
    return source, mutate_text(data, TEXTS[source])


def check_in_process(relative: Path, text: str) -> list[Finding]:
    """What the build's hooks do, without MkDocs: load the caseload, then render every page."""
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / relative).parent.mkdir(parents=True, exist_ok=True)
        (base / relative).write_text(text, encoding="utf-8")
        caseload = load_caseload([base / "plans"], base)
        findings = caseload.findings
        assert all(isinstance(f, Finding) and f.code in RULE_LEVELS and f.line >= 1 and f.column >= 1
                   for f in findings)
        status = caseload_status(caseload, date.fromisoformat(AS_OF))
        render.index_page(status, [f for f in findings if not f.is_error])
        for plan in status.plans:
            render.client_page(plan, status.manager_slug(plan))
            render.large_print_page(plan, "")
        for manager in status.case_managers():
            render.case_manager_page(manager, status)
        assert bool(status.plans) == (not any(f.is_error for f in findings))
        return findings


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_mutation_gives_findings_never_an_exception(data: st.DataObject) -> None:
    source, text = mutated(data)
    check_in_process(source.relative_to(EXAMPLE_PLANS.parent), text)


def test_the_mutations_do_break_plans() -> None:
    """The property above is not vacuous: repeating a key line is a PP001 at the repeat."""
    source = EXAMPLE_PLANS / "CVCOA-0042.yaml"
    lines = TEXTS[source].splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("program:"))
    text = "".join(lines[: at + 1] + [lines[at]] + lines[at + 1:])
    findings = check_in_process(Path("plans/CVCOA-0042.yaml"), text)
    assert [(f.code, f.line, f.column) for f in findings] == [("PP001", at + 2, 1)]


@settings(max_examples=5, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_the_real_build_succeeds_or_lists_findings(data: st.DataObject) -> None:
    """About two seconds an example: a real build of all example plans with one mutated."""
    source, text = mutated(data)
    relative = source.relative_to(EXAMPLE_PLANS)
    with tempfile.TemporaryDirectory() as folder:
        project = make_project(Path(folder) / "project", EXAMPLE_PLANS)
        (project / "plans" / relative).write_text(text, encoding="utf-8")
        build = build_site(project)
        assert "Traceback" not in build.output, build.output
        if build.returncode == 0:
            for plan in (project / "plans").rglob("*.yaml"):
                assert (build.site / "clients" / plan.stem / "large-print" / "index.html").is_file()
        else:
            assert build.returncode == 1, build.output
            errors = [line for line in build.output.splitlines() if line.startswith("ERROR")]
            assert errors and all(BUILD_FINDING_LINE.match(line) for line in errors[:-1]), build.output
            assert f"plans/{relative.as_posix()}:" in build.output
            assert re.search(r"\d+ errors? in the plans", errors[-1]), errors[-1]


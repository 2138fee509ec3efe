"""Hostile and malformed files: each gets a finding with a rule code, quickly, never a traceback.

Plans are written by hand by many people and hold data about vulnerable people, so a broken
or malicious file must never crash the validator or the build, run anything, hide another
plan or be skipped. The corpus is committed under tests/fixtures/hostile/ (byte-exact, see its
.gitattributes); what would be too big to commit or cannot live in a repository (the 2 MiB
file, the 200 kB goal, links leaving the project, a loop of links) is made at test time.

Decisions recorded here:
- CRLF line ends alone are not an error: a CRLF plan validates like its LF twin, with the
  same line numbers for its findings. Old Mac CR-only line ends count lines as YAML does.
- A 200 kB goal in plain words is valid data (the file is under 1 MiB) and gets no finding;
  length is not a rule, and checking it stays fast.
- random-bytes.yaml is `random.Random(20261120).randbytes(4096)`, checked below.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import EXAMPLE_PLANS, PLANPORTAL, REPOSITORY, Build, RunCli, build_site, make_project, valid_plan_text

from planportal import rules, ssn
from planportal.caseload import load_caseload
from planportal.check import check_loaded
from planportal.findings import RULE_LEVELS, Finding, render
from planportal.loader import MAX_BYTES, MAX_VALUES, Loaded, load_bytes, load_file

HOSTILE = REPOSITORY / "tests" / "fixtures" / "hostile"
SHOWN = HOSTILE.relative_to(REPOSITORY).as_posix()
RANDOM_SEED = 20261120

#: Where the parser itself finds the fault, the column is the parser's (libyaml 0.2.6 stops
#: over-deep flow nesting itself, at another column than our own depth limit did): the
#: project guarantees the file, the code and the line, so PARSER leaves the column out.
PARSER = None

# file (under tests/fixtures/hostile/), the finding it must give: code, line, column
TABLE: list[tuple[str, str, int, int | None]] = [
    ("random-bytes.yaml", "PP001", 1, 6),
    ("utf16-with-bom.yaml", "PP001", 1, 1),
    ("nul-byte.yaml", "PP001", 22, 12),
    ("lone-surrogate.yaml", "PP001", 22, 13),
    ("empty.yaml", "PP002", 1, 1),
    ("only-comments.yaml", "PP002", 1, 1),
    ("list-at-top.yaml", "PP002", 1, 1),
    ("scalar-at-top.yaml", "PP002", 1, 1),
    ("python-tag.yaml", "PP001", 1, 1),
    ("alias-bomb.yaml", "PP001", 2, 7),
    ("merge-key.yaml", "PP001", 15, 3),
    ("duplicate-key-top.yaml", "PP001", 8, 1),
    ("duplicate-key-deep.yaml", "PP001", 28, 9),
    ("nesting-flow.yaml", "PP001", 2, PARSER),
    ("nesting-block-sequence.yaml", "PP001", 1, 129),
    ("nesting-block-mapping.yaml", "PP001", 65, 65),
    ("long-number.yaml", "PP002", 3, 17),
    ("tab-indent.yaml", "PP001", 15, PARSER),
    ("too-many-values.yaml", "PP001", 20, 29863),
    ("control-characters.yaml", "PP002", 18, 1),
    ("complex-key.yaml", "PP001", 18, 3),
    ("HOSTILE-crlf-defect.yaml", "PP006", 27, 22),
    ("HOSTILE-cr-only.yaml", "PP010", 22, 49),
    ("HOSTILE-yml.yml", "PP004", 1, 1),
    ("HOSTILE-upper.YAML", "PP004", 1, 1),
    ("HOSTILE-notes.txt", "PP004", 1, 1),
    (".gitattributes", "PP004", 1, 1),
    ("same-id/a/HOSTILE-twin.yaml", "PP004", 5, 7),
    ("same-id/b/HOSTILE-twin.yaml", "PP004", 5, 7),
]
#: Files of the corpus that are valid plans: hostile only in their line ends.
VALID = ["HOSTILE-crlf-valid.yaml"]

FINDING_LINE = re.compile(r"^\S+:\d+:\d+: (error|warning) PP\d{3} .+$")
BUILD_FINDING_LINE = re.compile(r"^(ERROR|WARNING) +- +\S+:\d+:\d+: (error|warning) PP\d{3} .+$")


def findings_for(path: Path, shown_as: str, stem: str) -> list[Finding]:
    return check_loaded(load_file(path, shown_as), shown_as, stem)


@pytest.fixture(scope="module")
def warmed_up() -> None:
    """The first readability check (PP105) in a process loads a syllable table once; that
    is not the cost of any one file, so it is paid before timing."""
    assert findings_for(HOSTILE / "HOSTILE-crlf-valid.yaml", "warm-up", "HOSTILE-crlf-valid") == []


def test_the_corpus_is_exactly_the_table() -> None:
    on_disk = {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.rglob("*") if p.is_file()}
    assert on_disk == {row[0] for row in TABLE} | set(VALID)


def test_random_bytes_are_what_the_seed_gives() -> None:
    assert (HOSTILE / "random-bytes.yaml").read_bytes() == random.Random(RANDOM_SEED).randbytes(4096)


def test_the_corpus_keeps_its_bytes() -> None:
    """A checkout that rewrote line ends or encodings would test something else."""
    assert (HOSTILE / "utf16-with-bom.yaml").read_bytes()[:2] == b"\xff\xfe"
    assert b"\xed\xa0\x80" in (HOSTILE / "lone-surrogate.yaml").read_bytes()
    assert b"\x00" in (HOSTILE / "nul-byte.yaml").read_bytes()
    crlf = (HOSTILE / "HOSTILE-crlf-defect.yaml").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 30
    cr_only = (HOSTILE / "HOSTILE-cr-only.yaml").read_bytes()
    assert b"\n" not in cr_only and cr_only.count(b"\r") > 30


@pytest.mark.parametrize(("name", "code", "line", "column"), TABLE, ids=[row[0] for row in TABLE])
def test_each_file_gets_its_finding_within_a_second(warmed_up: None, name: str, code: str, line: int,
                                                    column: int | None) -> None:
    """Timed: loading and checking the file alone. Then its finding, from the caseload step the
    validator and the build run (for the two files that share an id, over their folder)."""
    started = time.perf_counter()
    findings_for(HOSTILE / name, name, Path(name).stem)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{name} took {elapsed:.2f} s"
    caseload = load_caseload([HOSTILE / Path(name).parts[0]], REPOSITORY)
    found = [f for f in caseload.findings if f.path == f"{SHOWN}/{name}"]
    assert (code, line, column) in {(f.code, f.line, column if column is PARSER else f.column)
                                    for f in found}, [f.text() for f in found]
    assert all(f.code in RULE_LEVELS for f in found)


def test_the_validator_names_every_file_and_fails(run_cli: RunCli) -> None:
    result = run_cli("validate", SHOWN)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    lines = result.stdout.splitlines()
    assert all(FINDING_LINE.match(line) for line in lines[:-1]), output
    named = {line.split(":", 1)[0] for line in lines[:-1]}
    assert named == {f"{SHOWN}/{row[0]}" for row in TABLE}
    for name, code, line, column in TABLE:
        where = rf"{re.escape(f'{SHOWN}/{name}')}:{line}:{column or '[0-9]+'}: error {code} "
        assert re.search(where, result.stdout), name
    assert lines[-1].startswith(f"Checked {len(TABLE) + len(VALID)} plan files: ")


@pytest.mark.parametrize("name", ["random-bytes.yaml", "python-tag.yaml", "alias-bomb.yaml",
                                  "nesting-flow.yaml", "control-characters.yaml"])
def test_the_validator_on_one_hostile_file(run_cli: RunCli, name: str) -> None:
    result = run_cli("validate", f"{SHOWN}/{name}")
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    *findings, summary = result.stdout.splitlines()
    assert findings and all(FINDING_LINE.match(line) for line in findings), output
    assert summary.startswith("Checked 1 plan file: ")
    assert "pwned" not in output  # the tag's command was not run (nor printed)


def test_control_characters_in_a_file_cannot_forge_or_break_finding_lines(run_cli: RunCli) -> None:
    """The key holds a newline, a fake finding, a terminal escape and a right-to-left override."""
    result = run_cli("validate", f"{SHOWN}/control-characters.yaml")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", result.stdout)
    assert "PP000" not in {line.split()[2] for line in result.stdout.splitlines()[:-1]}
    assert (r"The key 'people\nplans/other.yaml:1:1: error PP000 \x1b[2J\u202e' of the plan holds the control "
            "character U+000A.") in result.stdout


def test_a_python_tag_is_never_run(tmp_path: Path, run_cli: RunCli) -> None:
    marker = tmp_path / "ran"
    plan = tmp_path / "plans" / "T-1.yaml"
    plan.parent.mkdir()
    plan.write_text(f'schema_version: 1\nprogram: !!python/object/apply:os.system ["touch {marker}"]\n')
    result = run_cli("validate", "plans", cwd=tmp_path)
    assert result.returncode == 1 and "PP001" in result.stdout
    assert not marker.exists()


# --- made at test time ----------------------------------------------------------------------------

def test_a_two_mebibyte_file_is_refused_at_once(tmp_path: Path, run_cli: RunCli) -> None:
    """Generated here rather than committed: 2 MiB of a plan-like line, repeated."""
    plans = tmp_path / "plans"
    plans.mkdir()
    big = plans / "T-big.yaml"
    line = b"  - I like to be with people and I go to the center on Tuesdays.\n"
    big.write_bytes(b"schema_version: 1\nstrengths:\n" + line * (2 * MAX_BYTES // len(line)))
    assert big.stat().st_size > 2 * MAX_BYTES - len(line)
    started = time.perf_counter()
    found = findings_for(big, "plans/T-big.yaml", "T-big")
    assert time.perf_counter() - started < 1.0
    assert [(f.code, f.line, f.column) for f in found] == [("PP001", 1, 1)]
    assert "over 1 MiB" in found[0].message
    result = run_cli("validate", "plans", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("plans/T-big.yaml:1:1: error PP001 ")


def huge_goal_plan(client_id: str) -> str:
    """A valid plan whose goal is 200 kB of plain words."""
    goal = "I want to work in my garden and see my friends at the center. " * 3300
    text = valid_plan_text(client_id).replace("goal: I want to enjoy my hobbies again.", f"goal: {goal}")
    assert 200_000 < len(text) < MAX_BYTES
    return text


def test_a_200_kilobyte_goal_is_valid_and_quick(warmed_up: None, tmp_path: Path) -> None:
    plan = tmp_path / "T-huge.yaml"
    plan.write_text(huge_goal_plan("T-huge"), encoding="utf-8")
    started = time.perf_counter()
    found = findings_for(plan, "T-huge.yaml", "T-huge")
    assert time.perf_counter() - started < 1.0
    assert found == []


def test_the_number_of_values_is_capped_exactly() -> None:
    """The root mapping, one list and its items: MAX_VALUES values load; one more is refused."""
    def codes(items: int) -> list[str]:
        raw = ("strengths: [" + ", ".join(["Kind"] * items) + "]\n").encode()
        return [f.code for f in check_loaded(load_bytes(raw, "v.yaml"), "v.yaml", "v")]

    assert "PP001" not in codes(MAX_VALUES - 2)
    assert codes(MAX_VALUES - 1) == ["PP001"]


def test_crlf_alone_is_not_an_error_and_moves_no_finding() -> None:
    crlf_valid = HOSTILE / "HOSTILE-crlf-valid.yaml"
    assert findings_for(crlf_valid, "v.yaml", "HOSTILE-crlf-valid") == []
    crlf = HOSTILE / "HOSTILE-crlf-defect.yaml"
    as_lf = crlf.read_bytes().replace(b"\r\n", b"\n")
    lf_findings = check_loaded(load_bytes(as_lf, "d.yaml"), "d.yaml", "HOSTILE-crlf-defect")
    crlf_findings = findings_for(crlf, "d.yaml", "HOSTILE-crlf-defect")
    assert crlf_findings == lf_findings != []


def test_cr_only_line_ends_count_lines_as_yaml_does() -> None:
    """A Social Security number found in the raw text is placed on the line the parser sees."""
    found = findings_for(HOSTILE / "HOSTILE-cr-only.yaml", "c.yaml", "HOSTILE-cr-only")
    assert [(f.code, f.line, f.column) for f in found] == [("PP010", 22, 49)]


def test_a_link_leaving_the_repository_is_reported(tmp_path: Path, run_cli: RunCli) -> None:
    outside = tmp_path / "outside" / "T-out.yaml"
    outside.parent.mkdir()
    outside.write_text(valid_plan_text("T-out"), encoding="utf-8")
    project = tmp_path / "project"
    (project / "plans").mkdir(parents=True)
    (project / "plans" / "T-out.yaml").symlink_to(outside)
    result = run_cli("validate", "plans", cwd=project)
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith("plans/T-out.yaml:1:1: error PP001 This is a link to a file outside")


def test_a_loop_of_links_is_reported(tmp_path: Path, run_cli: RunCli) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "T-a.yaml").symlink_to("T-b.yaml")
    (plans / "T-b.yaml").symlink_to("T-a.yaml")
    result = run_cli("validate", "plans", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    assert [line.split(": error ")[0] for line in result.stdout.splitlines()[:-1]] == [
        "plans/T-a.yaml:1:1", "plans/T-b.yaml:1:1"]
    assert "circle" in result.stdout


def test_pp010_leaves_nine_digits_far_from_ssn_words_alone() -> None:
    """test_rules covers the three SSN shapes and phones; this is the 'far from the word' half."""
    assert list(ssn.pp010_no_ssn("SSN on file: none. " + "x" * 60 + " order 078051120")) == []
    assert list(ssn.pp010_no_ssn("SSN on file: none. order 078051120")) != []


# --- the real build: every file becomes pages or gets a finding -----------------------------------

def hostile_project(folder: Path, *, with_hostile: bool) -> Path:
    """Example plans spread over sub-folders, two generated good plans, and (optionally) the
    whole hostile corpus, a 2 MiB file and links leaving the project, deep in sub-folders."""
    project = make_project(folder)
    plans = project / "plans"
    for number, plan in enumerate(sorted(EXAMPLE_PLANS.rglob("*.yaml"))):
        target = plans / f"team-{number % 3}" / "cases" / plan.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(plan, target)
    (plans / "big").mkdir()
    (plans / "big" / "T-huge.yaml").write_text(huge_goal_plan("T-huge"), encoding="utf-8")
    shutil.copy(HOSTILE / "HOSTILE-crlf-valid.yaml", plans / "team-0" / "HOSTILE-crlf-valid.yaml")
    if with_hostile:
        shutil.copytree(HOSTILE, plans / "inbox" / "hostile")
        (plans / "inbox" / "hostile" / "HOSTILE-crlf-valid.yaml").unlink()  # one copy of a good plan
        (plans / "big" / "T-two-mib.yaml").write_bytes(b"a: " + b"x" * (2 * MAX_BYTES))
        outside = folder.parent / f"{folder.name}-outside.yaml"
        outside.write_text(valid_plan_text("T-linked"), encoding="utf-8")
        (plans / "inbox" / "T-linked.yaml").symlink_to(outside)
        (plans / "inbox" / "T-loop.yaml").symlink_to("T-loop.yaml")
    return project


def good_ids() -> list[str]:
    return sorted([p.stem for p in EXAMPLE_PLANS.rglob("*.yaml")] + ["T-huge", "HOSTILE-crlf-valid"])


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, list[str]]:
    project = hostile_project(tmp_path_factory.mktemp("hostile") / "project", with_hostile=True)
    bad = sorted(
        p.relative_to(project).as_posix() for p in (project / "plans").rglob("*")
        if (p.is_file() or p.is_symlink()) and ("inbox" in p.parts or p.name == "T-two-mib.yaml")
    )
    return build_site(project), bad


def test_the_build_fails_and_names_every_bad_file(hostile_build: tuple[Build, list[str]]) -> None:
    build, bad = hostile_build
    assert build.returncode == 1
    assert "Traceback" not in build.output
    finding_lines = [line for line in build.output.splitlines() if BUILD_FINDING_LINE.match(line)]
    named = {line.split("-  ", 1)[1].split(":", 1)[0] for line in finding_lines}
    assert len(bad) == len(TABLE) + 3  # the corpus, the 2 MiB file and two links
    assert named == set(bad), set(bad) ^ named
    assert "errors in the plans (listed above)" in build.output
    assert not (build.site / "clients").exists()


def test_with_only_the_good_plans_the_build_makes_all_their_pages(tmp_path: Path) -> None:
    build = build_site(hostile_project(tmp_path / "project", with_hostile=False))
    assert build.returncode == 0, build.output
    assert "Traceback" not in build.output
    built = sorted(p.name for p in (build.site / "clients").iterdir())
    assert built == good_ids()
    for client_id in built:
        assert (build.site / "clients" / client_id / "index.html").is_file()
        assert (build.site / "clients" / client_id / "large-print" / "index.html").is_file()
    assert "I want to work in my garden" in build.page("clients/T-huge/")


# --- issue 11: a checker fault, special files, unreadable folders -------------------------------------

GUARD = "The checker failed on this file"
#: Payloads of issue 11, made at test time: what each file holds after the valid plan's goal line.
PAYLOADS = {
    "T-esc": r'goal: "I want \e[2J\x1b\0\u202e to paint."',
    "T-invisible": r'goal: "\u200b\u3164\u2800\u0301"',
    "T-ssn-escaped": r'goal: "\x30\x37\x38-05-1120 and 078\u201105\u20111120"',
    "T-long": "goal: " + "\u202e" * 5000,
    "T-rtl": 'goal: "\u05e9\u05dc\u05d5\u05dd \u200f!"',  # a direction mark beside visible text: valid
}


def payload_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, goal in PAYLOADS.items():
        text = valid_plan_text(stem).replace("goal: I want to enjoy my hobbies again.", goal)
        (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    edges = valid_plan_text("T-edges").replace('date: "2007-04-12"', 'date: "9999-12-31"')
    (folder / "T-edges.yaml").write_text(edges.replace("  review_date: 2008-04-12\n", ""), encoding="utf-8")
    return folder


def test_a_fault_in_the_checker_is_a_finding_on_that_file_alone(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulates an internal bug: a rule that raises on one plan."""
    def broken(parts: rules.Parts) -> list[rules.Violation]:
        if parts.plan.client_id == "T-crash":
            raise ZeroDivisionError("a bug")
        return []

    monkeypatch.setattr(rules, "PER_PLAN_RULES", (*rules.PER_PLAN_RULES, broken))
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "T-crash.yaml").write_text(valid_plan_text("T-crash"), encoding="utf-8")
    (plans / "T-other.yaml").write_text(valid_plan_text("T-other").replace("    measure: I work in the garden "
                                        "two times a week by July.\n", ""), encoding="utf-8")
    found = {(f.path, f.line, f.column, f.code) for f in load_caseload([plans], tmp_path).findings}
    assert found == {("plans/T-crash.yaml", 1, 1, "PP001"), ("plans/T-other.yaml", 22, 11, "PP101")}
    (crash,) = [f for f in load_caseload([plans], tmp_path).findings if f.code == "PP001"]
    assert crash.message.startswith(GUARD) and "report" in crash.message


def test_no_file_of_the_corpora_reaches_the_last_resort(tmp_path: Path) -> None:
    folders = [HOSTILE, REPOSITORY / "tests" / "fixtures" / "rules", payload_files(tmp_path / "payloads")]
    findings = load_caseload(folders, REPOSITORY).findings
    assert findings and not [f.text() for f in findings if f.message.startswith(GUARD)]
    assert all(f.code in RULE_LEVELS for f in findings)
    payloads = {f.path.rsplit("/", 1)[1]: f.code for f in findings if "payloads" in f.path}
    assert payloads == {"T-esc.yaml": "PP002", "T-invisible.yaml": "PP002", "T-ssn-escaped.yaml": "PP010",
                        "T-long.yaml": "PP002", "T-edges.yaml": "PP003"}


def test_a_named_pipe_socket_or_device_is_pp001_at_once(tmp_path: Path, run_cli: RunCli) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    os.mkfifo(plans / "T-fifo.yaml")
    (plans / "T-link.yaml").symlink_to("T-fifo.yaml")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(plans / "T-socket.yaml"))
        (plans / "T-null.yaml").symlink_to("/dev/null")  # leaves the repository: refused as such
        started = time.perf_counter()
        result = run_cli("validate", "plans", cwd=tmp_path)
        assert time.perf_counter() - started < 10
    lines = result.stdout.splitlines()[:-1]
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert [line.split(" PP001 ")[0] for line in lines] == [
        "plans/T-fifo.yaml:1:1: error", "plans/T-link.yaml:1:1: error", "plans/T-null.yaml:1:1: error",
        "plans/T-socket.yaml:1:1: error"]
    assert "named pipe" in lines[0] and "named pipe" in lines[1] and "socket" in lines[3]


def test_loading_a_named_pipe_directly_never_blocks(tmp_path: Path) -> None:
    """In a thread, so that a load that blocks (as a plain open would) fails the test, not the run."""
    os.mkfifo(tmp_path / "T-fifo.yaml")
    outcome: list[Loaded] = []
    worker = threading.Thread(target=lambda: outcome.append(load_file(tmp_path / "T-fifo.yaml", "T-fifo.yaml")),
                              daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert outcome, "loading a named pipe blocked"
    (loaded,) = outcome
    assert [(f.code, f.line, f.column) for f in loaded.findings] == [("PP001", 1, 1)]
    assert "named pipe" in loaded.findings[0].message


def test_a_folder_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    """Run without root's power to read anything (the tests run as root): setpriv drops it."""
    plans = tmp_path / "plans"
    (plans / "locked").mkdir(parents=True)
    (plans / "T-1.yaml").write_text(valid_plan_text("T-1"), encoding="utf-8")
    (plans / "locked" / "T-2.yaml").write_text(valid_plan_text("T-2"), encoding="utf-8")
    (plans / "locked").chmod(0)
    try:
        result = subprocess.run(
            ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
             "--bounding-set=-dac_override,-dac_read_search", str(PLANPORTAL), "validate", "plans"],
            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    finally:
        (plans / "locked").chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith("plans/locked:1:1: error PP001 This folder cannot be read")
    assert result.stdout.splitlines()[-1] == "Checked 2 plan files: 1 error, 0 warnings."


# --- issue 11: output that other programs read ---------------------------------------------------------

FORGING_NAMES = ["T-a,line=1,title=PP000::forged.yaml", "T-b::error file=x.yaml::forged.yaml",
                 "T-c%0Aforged.yaml", "T-d\nx.yaml:1:1: error PP000 forged.yaml",
                 "T-e\u2028x.yaml:1:1: error PP000.yaml", "T-f\u202egnp.yaml", "T-g\x85x.yaml", "T-h\ry.yaml",
                 "T-i\u2029\x1b[2J.yaml"]


def _github_properties(line: str) -> tuple[dict[str, str], str]:
    """A workflow command parsed as the runner parses it."""
    match = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert match, line
    properties = dict(part.split("=", 1) for part in match[2].split(","))
    return properties, match[3]


def _unescape(value: str) -> str:
    return (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


@pytest.mark.parametrize("name", FORGING_NAMES)
def test_a_file_name_cannot_forge_an_annotation_or_a_finding_line(tmp_path: Path, run_cli: RunCli,
                                                                   name: str) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / name).write_text("schema_version: 1\n", encoding="utf-8")
    # The runner reads a command to the line feed; Python's splitlines would also split at NEL.
    github = run_cli("validate", "--format", "github", "plans", cwd=tmp_path).stdout.split("\n")[:-2]
    assert len(github) >= 1
    for line in github:
        properties, _ = _github_properties(line)
        assert set(properties) == {"file", "line", "col", "title"}
        assert _unescape(properties["file"]) == f"plans/{name}"
        assert properties["title"] != "PP000"
    text = run_cli("validate", "plans", cwd=tmp_path).stdout.splitlines()
    assert len(text) == len(github) + 1
    assert all(line.startswith(f"plans/{name[:3]}") and " error PP002 " in line for line in text[:-1]), text
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", "".join(text))
    result = run_cli("validate", "--format", "json", "plans", cwd=tmp_path)
    assert {f["path"] for f in json.loads(result.stdout)} == {f"plans/{name}"}


def test_a_message_quotes_at_most_80_characters_of_a_value_key_or_name(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    for folder in ("z" * 200, "w" * 200):
        (plans / folder).mkdir(parents=True)
        (plans / folder / "T-s.yaml").write_text(valid_plan_text("T-s"), encoding="utf-8")
    (plans / ("T-" + "y" * 200 + ".yaml")).write_text(valid_plan_text("T-x"), encoding="utf-8")
    key = "k" * 300
    text = valid_plan_text("T-b").replace("  rosa: {", f"  {key}: {{").replace(
        "    goal: I want", f"    {key}: 1\n    goal: I want").replace("type: initial", f"type: {'t' * 300}")
    (plans / "T-b.yaml").write_text(text, encoding="utf-8")
    findings = load_caseload([plans], tmp_path).findings
    # PP005: rosa, still named as responsible, is no longer defined; its message lists the keys.
    assert {f.code for f in findings} == {"PP002", "PP004", "PP005", "PP104"}
    for finding in findings:
        said = finding.message + finding.hint
        assert not re.search(r"([kyzwt])\1{80}", said), finding.text()


def test_a_thousand_plans_of_one_name_give_findings_in_proportion(tmp_path: Path) -> None:
    """PP104 on each of 1,000 drafts names three others and counts the rest: a few hundred
    kilobytes of output, not one file name per pair (20 MB)."""
    plans = tmp_path / "plans"
    for n in range(1000):
        folder = plans / f"team-{n % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        text = valid_plan_text(f"T-{n:04d}").replace(f"last: T-{n:04d}", "last: Same")
        (folder / f"T-{n:04d}.yaml").write_text(text, encoding="utf-8")
    for team in ("a", "b", "c", "d", "e"):
        (plans / team).mkdir()
        (plans / team / "T-twin.yaml").write_text(valid_plan_text("T-twin"), encoding="utf-8")
    started = time.perf_counter()
    findings = load_caseload([plans], tmp_path).findings
    assert time.perf_counter() - started < 60
    assert [f.code for f in findings].count("PP104") == 1005
    assert [f.code for f in findings].count("PP004") == 5
    output = render(findings, "text")
    assert len(output.encode()) < 1000 * 600
    first = next(f for f in findings if f.code == "PP104" and f.path == "plans/team-0/T-0000.yaml")
    assert first.message == ("999 other files, plans/team-0/T-0010.yaml, plans/team-0/T-0020.yaml, "
                             "plans/team-0/T-0030.yaml and 996 others, have a plan for someone with the same "
                             "first and last name.")
    twin = next(f for f in findings if f.code == "PP004")
    assert twin.message.startswith("4 other files, plans/b/T-twin.yaml, plans/c/T-twin.yaml, plans/d/T-twin.yaml "
                                   "and 1 other, have the same client id.")


def test_annotations_write_out_the_controls_a_plan_quotes(tmp_path: Path, run_cli: RunCli) -> None:
    """An escape sequence in a key would recolour or clear the CI log were it printed raw."""
    plans = tmp_path / "plans"
    plans.mkdir()
    text = valid_plan_text("T-esc").replace("  rosa: {", '  "r\\e[2Jx": {')
    assert "\\e[2J" in text
    (plans / "T-esc.yaml").write_text(text, encoding="utf-8")
    github = run_cli("validate", "--format", "github", "plans", cwd=tmp_path).stdout
    assert "::error " in github and "\\x1b[2J" in github
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", github)


def test_json_stays_valid_for_a_file_name_that_is_not_utf8(tmp_path: Path, run_cli: RunCli) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / os.fsdecode(b"T-bad\xff.yaml")).write_text("schema_version: 1\n", encoding="utf-8")
    result = run_cli("validate", "--format", "json", "plans", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout.encode("utf-8"))
    assert findings and {f["path"] for f in findings} == {"plans/T-bad\\udcff.yaml"}


def test_a_folder_name_that_is_not_utf8_is_written_out_on_every_page(tmp_path: Path) -> None:
    """A sub-folder named in bytes that are not UTF-8: the warning that quotes a file in it
    (PP104, two plans for one name) and the caseload's list of warnings write the bytes out,
    and the build writes every page rather than stopping on them."""
    project = make_project(tmp_path / "project")
    team = project / "plans" / os.fsdecode(b"\xe9quipe\xff")
    team.mkdir(parents=True)
    for folder, client_id in ((team, "T-one"), (project / "plans", "T-two")):
        text = valid_plan_text(client_id).replace(f"last: {client_id}", "last: Lovelace")
        (folder / f"{client_id}.yaml").write_text(text, encoding="utf-8")
    build = build_site(project)
    assert build.returncode == 0 and "Traceback" not in build.output, build.output
    for page in ("clients/T-two/index.html", "index.html"):
        html = (build.site / page).read_text(encoding="utf-8")
        assert "plans/\\udce9quipe\\udcff/T-one.yaml" in html and "&#5" not in html, page

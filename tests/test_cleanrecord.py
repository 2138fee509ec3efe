"""The record of clean files lets a second run skip their checks, and changes no finding.

`planportal validate` then the site build (CI, `make site`) check every plan twice; the
record (`.planportal_cache/clean-plans`) lets the second run only load a file whose name
and text the same checker found clean. These tests hold it to: the same outcome as a full
check, no plan text in the record, and a full check whenever anything that decides the
findings has changed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import EXAMPLE_PLANS, RunCli, valid_plan_text

from planportal import cleanrecord
from planportal.caseload import PARALLEL_FROM, Caseload, load_caseload

MEASURE = "    measure: I work in the garden two times a week by July.\n"


def examples(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(EXAMPLE_PLANS, folder)
    (folder / "OK-valid.yaml").write_text(valid_plan_text(), encoding="utf-8")
    return folder


def check(folder: Path, record: Path | None) -> Caseload:
    return load_caseload([folder], folder.parent, record)


def outcome(caseload: Caseload) -> list[tuple[str, object, list[object]]]:
    return [(f.shown_as, f.plan, f.findings) for f in caseload.files]


def test_a_second_run_with_the_record_gives_the_same_outcome(tmp_path: Path) -> None:
    folder, record = examples(tmp_path), tmp_path / cleanrecord.RECORD
    first = check(folder, record)
    recorded = cleanrecord.read(record)
    assert recorded and all(f.clean_digest in recorded for f in first.files if not f.findings)
    assert outcome(check(folder, record)) == outcome(first) == outcome(check(folder, None))


def test_only_files_without_a_finding_of_their_own_are_recorded(tmp_path: Path) -> None:
    folder, record = examples(tmp_path), tmp_path / cleanrecord.RECORD
    (folder / "OK-warned.yaml").write_text(valid_plan_text("OK-warned").replace(MEASURE, ""), encoding="utf-8")
    caseload = check(folder, record)
    warned = next(f for f in caseload.files if f.shown_as.endswith("OK-warned.yaml"))
    assert [f.code for f in warned.findings] == ["PP101"] and warned.clean_digest is None
    assert len(cleanrecord.read(record)) == sum(not f.findings for f in caseload.files)


def test_the_record_holds_digests_and_no_plan_text(tmp_path: Path) -> None:
    folder, record = examples(tmp_path), tmp_path / cleanrecord.RECORD
    check(folder, record)
    lines = record.read_text(encoding="ascii").splitlines()
    assert lines[0] == cleanrecord.checker()
    assert all(len(line) == 64 and set(line) <= set("0123456789abcdef") for line in lines)
    assert (record.parent / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_an_edited_file_is_checked_again(tmp_path: Path) -> None:
    folder, record = examples(tmp_path), tmp_path / cleanrecord.RECORD
    check(folder, record)
    plan = folder / "OK-valid.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: active", "status: nonsense"), encoding="utf-8")
    findings = check(folder, record).findings
    assert [(f.path, f.code) for f in findings if f.is_error] == [("plans/OK-valid.yaml", "PP002")]


def test_a_renamed_file_is_checked_again(tmp_path: Path) -> None:
    """The digest covers the name: the client id must match it (PP004)."""
    folder, record = examples(tmp_path), tmp_path / cleanrecord.RECORD
    check(folder, record)
    (folder / "OK-valid.yaml").rename(folder / "OK-renamed.yaml")
    assert "PP004" in {f.code for f in check(folder, record).findings}


def test_another_checkers_record_is_ignored(tmp_path: Path) -> None:
    """A record whose first line is not this checker's, even one that lists a broken file,
    skips nothing: every file is checked in full."""
    folder, record = examples(tmp_path), tmp_path / cleanrecord.RECORD
    broken = folder / "OK-valid.yaml"
    text = broken.read_text(encoding="utf-8").replace("status: active", "status: nonsense")
    broken.write_text(text, encoding="utf-8")
    record.parent.mkdir(parents=True)
    record.write_text(f"{'0' * 64}\n{cleanrecord.digest('OK-valid', text)}\n", encoding="ascii")
    assert "PP002" in {f.code for f in check(folder, record).findings}


def test_a_recorded_file_is_only_loaded_in_worker_processes_too(tmp_path: Path) -> None:
    """The record is trusted: a file listed in it gets no finding of its own. Listing a file
    with a warning shows that the workers checking a large caseload use the record."""
    folder, record = tmp_path / "plans", tmp_path / cleanrecord.RECORD
    folder.mkdir()
    for number in range(PARALLEL_FROM + 5):
        client_id = f"OK-{number:04d}"
        (folder / f"{client_id}.yaml").write_text(valid_plan_text(client_id), encoding="utf-8")
    warned = folder / "OK-0007.yaml"
    text = warned.read_text(encoding="utf-8").replace(MEASURE, "")
    warned.write_text(text, encoding="utf-8")
    unrecorded = shutil.copytree(folder, tmp_path / "copy" / "plans")  # other paths: checked afresh
    assert [f.code for f in check(unrecorded, None).findings] == ["PP101"]
    record.parent.mkdir(parents=True)
    record.write_text(f"{cleanrecord.checker()}\n{cleanrecord.digest('OK-0007', text)}\n", encoding="ascii")
    assert check(folder, record).findings == []


def test_the_validate_command_keeps_the_record_below_where_it_runs(tmp_path: Path, run_cli: RunCli) -> None:
    examples(tmp_path)
    assert run_cli("validate", "plans", cwd=tmp_path).returncode == 0
    assert cleanrecord.read(tmp_path / cleanrecord.RECORD)

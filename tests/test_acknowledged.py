"""A warning the case manager has looked at (`acknowledged`, with a reason) is still listed,
with its reason, but is no reason for attention, and neither `--strict` nor
`fail_on_warnings` fails on it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import RunCli, build_site, make_project, valid_plan_text

REASON = "Ada keeps her own garden diary; the goal is measured there."
UNMEASURED = "    measure: I work in the garden two times a week by July.\n"


def unmeasured_plan(client_id: str, acknowledged: bool) -> str:
    text = valid_plan_text(client_id).replace(UNMEASURED, "")
    assert UNMEASURED not in text
    return text + (f"acknowledged:\n  - code: PP101\n    reason: {REASON}\n" if acknowledged else "")


def project(tmp_path: Path, *, fail_on_warnings: bool = False) -> Path:
    folder = make_project(tmp_path / "project")
    (folder / "plans" / "ACK-1.yaml").write_text(unmeasured_plan("ACK-1", acknowledged=True), encoding="utf-8")
    if fail_on_warnings:
        config = folder / "mkdocs.yml"
        config.write_text(re.sub(r"(?m)^    fail_on_warnings: false", "    fail_on_warnings: true",
                                 config.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def test_validate_strict_passes_an_acknowledged_warning_and_says_why(tmp_path: Path, run_cli: RunCli) -> None:
    folder = project(tmp_path)
    strict = run_cli("validate", "--strict", "plans", cwd=folder)
    assert strict.returncode == 0, strict.stdout
    assert f"warning PP101 This goal has no measure." in strict.stdout
    assert f"Acknowledged: {REASON}" in strict.stdout
    (finding,) = json.loads(run_cli("validate", "--format", "json", "plans", cwd=folder).stdout)
    assert finding["acknowledged"] == REASON

    (folder / "plans" / "ACK-2.yaml").write_text(unmeasured_plan("ACK-2", acknowledged=False), encoding="utf-8")
    assert run_cli("validate", "--strict", "plans", cwd=folder).returncode == 1  # not acknowledged there


def test_an_acknowledged_warning_is_listed_with_its_reason_but_needs_no_attention(tmp_path: Path) -> None:
    build = build_site(project(tmp_path, fail_on_warnings=True), "--strict")
    assert build.returncode == 0, build.output
    index = build.page("")
    assert "Acknowledged:</strong> " + REASON in index
    assert "<strong>0</strong> plans with warnings" in index
    row = index.split('href="clients/ACK-1/"', 1)[1].split("</tr>", 1)[0]
    assert "warning" not in row
    (manager,) = (build.site / "case-managers").iterdir()
    assert "Acknowledged:</strong> " + REASON in build.page(f"case-managers/{manager.name}/")
    client = build.page("clients/ACK-1/")
    staff = client.split('class="pp-staff"', 1)[1].split("</section>", 1)[0]
    assert 'id="staff-acknowledged"' in staff and "Acknowledged:</strong> " + REASON in staff
    assert 'id="staff-warnings"' not in staff  # nothing left to look at
    reasons = staff.split("<dt>Needs attention because</dt><dd>", 1)[1].split("</dd>", 1)[0]
    assert reasons and "warning" not in reasons

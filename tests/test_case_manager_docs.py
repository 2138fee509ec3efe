"""A case manager can start, fill, sign, reassess and close a plan following only
docs/case-manager-tasks.md: the page's own commands and examples, run in order, and each
step's result passes the checks."""

from __future__ import annotations

import re
import shlex
from datetime import date
from pathlib import Path

import pytest
from conftest import REPOSITORY, RunCli, make_project

from planportal import layout
from planportal.mkdocs_hooks import HELP

PAGE = (HELP / "case-manager-tasks.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    return PAGE.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def command(title: str) -> list[str]:
    """The section's one `planportal ...` command, as its arguments."""
    (line,) = [b.strip() for b in blocks(section(title), "sh")]
    words = shlex.split(line)
    assert words[0] == "planportal"
    return words[1:]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def test_start_fill_sign_reassess_and_close_as_the_page_says(run_cli: RunCli, project: Path) -> None:
    today = date.today().isoformat()
    new = command("Start a plan")
    client_id = new[1]
    assert run_cli(*new, cwd=project).returncode == 0
    plan = project / "plans" / f"{client_id}.yaml"

    def validate(*extra: str) -> str:
        result = run_cli("validate", *extra, cwd=project)
        assert result.returncode == 0, result.stdout
        return result.stdout

    validate("--strict")  # a draft, placeholders and all
    # Fill it in: the page's example for the name, plain words for the rest.
    placeholder, filled = blocks(section("Start a plan"), "yaml")
    text = plan.read_text(encoding="utf-8").replace(placeholder.strip(), filled.strip())
    text = re.sub(r'"\[fill in: ([^\]]*)\]"', lambda m: f"I wrote {m[1]} here", text)
    assert '"[fill in' not in text
    plan.write_text(text, encoding="utf-8")
    validate()

    # Sign it and make it active, as the page shows.
    signatures, status = blocks(section("Record the signatures"), "yaml")[:2]
    text = plan.read_text(encoding="utf-8").replace("  status: draft", status.strip().split("\n")[1])
    plan.write_text(text + signatures.replace("2026-12-01", today), encoding="utf-8")
    assert "Checked 1 plan file: 0 errors" in validate()

    # Reassess; sign again; the plan is right.
    reassess = command("Reassess a plan")
    reassess[reassess.index("--date") + 1] = today
    reassess[1] = client_id
    done = run_cli(*reassess, cwd=project)
    assert done.returncode == 0 and "Still to do:" in done.stdout
    assert "PP011" in run_cli("validate", cwd=project).stdout
    plan.write_text(plan.read_text(encoding="utf-8") + signatures.replace("2026-12-01", today), encoding="utf-8")
    assert "Checked 1 plan file: 0 errors" in validate()

    # Close it.
    close = command("Close a plan")
    close[1] = client_id
    assert run_cli(*close, cwd=project).returncode == 0
    assert "status: closed  # closed " in plan.read_text(encoding="utf-8")
    assert "Checked 1 plan file: 0 errors" in validate()


def test_the_page_is_in_the_navigation_under_help() -> None:
    assert ("A case manager's tasks", "case-manager-tasks.md") in layout.HELP_PAGES

"""Project folders like the repository's, for real `mkdocs build`s in tests and the benchmark.

Each shares the repository's hooks and schema through links, so a build uses the code under
test, and has a plans folder and a copy of docs/ of its own (the hooks refuse pages that lead
out of the repository).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from planportal.mkdocs_hooks import HELP
from support.plans import PLANS_PER_CASE_MANAGER, client_id, plan_versions, write_plans

REPOSITORY = Path(__file__).resolve().parents[2]


def make_project(folder: Path, plans: Path | None = None) -> Path:
    """A project folder like the repository's, with its own plans (copied from `plans`)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPOSITORY / "mkdocs.yml", folder / "mkdocs.yml")
    for shared in ("hooks", "schema"):
        (folder / shared).symlink_to(REPOSITORY / shared, target_is_directory=True)
    shutil.copytree(REPOSITORY / "docs", folder / "docs")
    if plans is not None:
        shutil.copytree(plans, folder / "plans", symlinks=True)
    else:
        (folder / "plans").mkdir()
    return folder


def generated_project(folder: Path, count: int, plans_per_manager: int = PLANS_PER_CASE_MANAGER) -> Path:
    """A project like the repository's holding `count` generated plans, about
    `plans_per_manager` for each case manager."""
    project = make_project(folder)
    write_plans(project / "plans", count, plans_per_manager=plans_per_manager)
    return project


def history_project(folder: Path, count: int, commits: int = 10) -> Path:
    """A project like `generated_project`'s, whose plans have a git history of `commits`
    commits a week apart, each a version of every plan, the last the plans as they are.
    Written with `git fast-import` in one stream: a commit per call would take hours. Then
    repacked as `git gc` packs a repository that grew commit by commit: fast-import stores each
    file as a change to the one written before it, another client's plan, in chains 50 deep
    that make every read of a version slow (at 10,000 plans, 32 s against 2 s repacked)."""
    project = make_project(folder)
    versions = plan_versions(count, commits)
    stream = bytearray()
    start = datetime(2025, 1, 6, 15, tzinfo=timezone.utc)
    for number, files in enumerate(versions, start=1):
        when = int((start + timedelta(weeks=number)).timestamp())
        message = f"Week {number}: progress on every plan".encode()
        stream += (f"commit refs/heads/main\nmark :{number}\n"
                   f"author Pat Casey <pat.casey@example.org> {when} +0000\n"
                   f"committer Pat Casey <pat.casey@example.org> {when} +0000\n"
                   f"data {len(message)}\n").encode() + message + b"\n"
        if number > 1:
            stream += f"from :{number - 1}\n".encode()
        for path, text in files:
            data = text.encode("utf-8")
            stream += f"M 100644 inline plans/{path}\ndata {len(data)}\n".encode() + data + b"\n"
    environment = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q", "-b", "main", str(project)], check=True, env=environment)
    subprocess.run(["git", "-C", str(project), "fast-import", "--quiet"], input=bytes(stream), check=True,
                   env=environment)
    subprocess.run(["git", "-C", str(project), "repack", "-a", "-d", "-f", "-q"], check=True, env=environment)
    subprocess.run(["git", "-C", str(project), "checkout", "-q", "-f", "main"], check=True, env=environment)
    return project


def _config_without_hooks(text: str) -> str:
    """mkdocs.yml with its top-level `hooks:` entry (and the list under it) removed."""
    kept, in_hooks = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("hooks:"):
            in_hooks = True
            continue
        if in_hooks and (line.startswith((" ", "-", "\t")) or not line.strip()):
            continue
        in_hooks = False
        kept.append(line)
    return "".join(kept)


def floor_project(folder: Path, count: int) -> Path:
    """The theme alone: no hooks, and `count` one-line pages at clients/<id>/ off the nav.

    What MkDocs with the theme costs for that many pages: the floor a build is measured against.
    """
    folder.mkdir(parents=True)
    config = (REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8")
    (folder / "mkdocs.yml").write_text(_config_without_hooks(config), encoding="utf-8")
    shutil.copytree(REPOSITORY / "docs", folder / "docs")
    shutil.copytree(HELP, folder / "docs", dirs_exist_ok=True)  # the hooks serve these from the package
    for shared in ("hooks", "schema"):
        (folder / shared).symlink_to(REPOSITORY / shared, target_is_directory=True)
    (folder / "plans").mkdir()  # watched by mkdocs.yml, so it must exist
    (folder / "docs" / "index.md").write_text("# Caseload\n", encoding="utf-8")
    for index in range(1, count + 1):
        page = folder / "docs" / "clients" / client_id(index) / "index.md"
        page.parent.mkdir(parents=True)
        page.write_text(f"# Action plan {client_id(index)}\n", encoding="utf-8")
    return folder


def with_plan_text_searched(project: Path) -> Path:
    """Turn `search_plan_text` on in the project's mkdocs.yml: MkDocs then renders and indexes
    every client page."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("search_plan_text: false") == 1
    config.write_text(text.replace("search_plan_text: false", "search_plan_text: true"), encoding="utf-8")
    return project

"""The package as an agency gets it: a wheel, installed (not editable) into a new virtual
environment beside the locked packages, starts a repository that builds with its README's
two commands, from the wheel alone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import AS_OF, EXAMPLE_PLANS, REPOSITORY, valid_plan_text

from planportal import layout
from planportal.repository import package_version

SITE_LOCK = REPOSITORY / "requirements" / "site.txt"


def run(command: list[str] | str, cwd: Path, **environment: str) -> str:
    """Run `command` (a shell line when a string) with no trace of this test's own environment."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(NO_MKDOCS_2_WARNING="1", PLANPORTAL_AS_OF=AS_OF, **environment)
    result = subprocess.run(command, cwd=cwd, env=env, shell=isinstance(command, str), capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (the build writes beside them)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPOSITORY / name, source / name)
    shutil.copytree(REPOSITORY / "hooks", source / "hooks", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(REPOSITORY / "schema", source / "schema")  # the package's schema links to it
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist),
         str(source)], cwd=source)
    (built,) = dist.glob("planportal-*.whl")
    return built


def test_the_wheel_holds_what_a_site_needs_and_nothing_of_this_repository(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    needed = ["planportal/mkdocs_hooks.py", "planportal/plan.schema.json", "planportal/theme/base.html",
              "planportal/theme/assets/planportal.css", "planportal/theme/assets/iframe-worker/shim.js",
              "planportal/templates/client.html", "planportal/locale/es/LC_MESSAGES/planportal.mo",
              "planportal/starter/mkdocs.yml", "planportal/starter/gitignore", "planportal/starter/portal.py",
              "planportal/help/images/large-print-ar.png",
              *(f"planportal/help/{name}" for _, name in layout.HELP_PAGES)]
    assert [name for name in needed if name not in names] == []
    assert not [name for name in names if not name.startswith(("planportal/", "planportal-"))]
    assert (zipfile.ZipFile(wheel).read("planportal/plan.schema.json")
            == (REPOSITORY / "schema" / "plan.schema.json").read_bytes())  # the file, not the link


def test_a_repository_started_from_the_wheel_builds_with_its_readme_commands(tmp_path: Path, wheel: Path) -> None:
    repository = tmp_path / "repo"
    tool = repository / ".venv"  # where the README's first command makes it: it then finds it made
    run([sys.executable, "-m", "venv", str(tool)], cwd=tmp_path)
    run([str(tool / "bin" / "pip"), "install", "--quiet", "--require-hashes", "-r", str(SITE_LOCK)], cwd=tmp_path)

    # Before Plan Portal is installed, the hooks file says what to do, and nothing is built.
    early = tmp_path / "early"
    (early / "docs").mkdir(parents=True)
    (early / "hooks").mkdir()
    shutil.copy(REPOSITORY / "hooks" / "portal.py", early / "hooks" / "portal.py")
    (early / "mkdocs.yml").write_text("site_name: Plans\nhooks:\n  - hooks/portal.py\n", encoding="utf-8")
    missing = subprocess.run([str(tool / "bin" / "mkdocs"), "build"], cwd=early, capture_output=True, text=True,
                             timeout=300)
    assert missing.returncode != 0 and not (early / "site").exists()
    assert "Plan Portal is not installed for this Python. Run `.venv/bin/pip install -r requirements.txt`" in (
        missing.stdout + missing.stderr)
    assert "Traceback" not in missing.stderr

    run([str(tool / "bin" / "pip"), "install", "--quiet", "--no-deps", str(wheel)], cwd=tmp_path)
    where = run([str(tool / "bin" / "python"), "-c", "import planportal; print(planportal.__file__)"], cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(tool)  # the installed wheel, not this checkout

    started = tmp_path / "started"  # init writes only into a new folder; the files then join .venv
    run([str(tool / "bin" / "planportal"), "init", str(started), "--agency", "Held-out Agency", "--ci", "github"],
        cwd=tmp_path)
    for path in started.iterdir():
        path.rename(repository / path.name)
    shutil.copytree(EXAMPLE_PLANS, repository / "plans", dirs_exist_ok=True)  # plans it has never seen
    (repository / "plans" / "HELD-0001.yaml").write_text(valid_plan_text("HELD-0001"), encoding="utf-8")

    strict = run([str(tool / "bin" / "mkdocs"), "build", "--strict"], cwd=repository)
    assert "WARNING" not in strict
    assert (repository / "site" / layout.client("HELD-0001").file).is_file()
    shutil.rmtree(repository / "site")

    # The README's two commands, as written: the first finds the pinned version installed (the
    # wheel's folder stands in for the package index) and fetches nothing.
    readme = (repository / "README.md").read_text(encoding="utf-8")
    commands = re.search(r"```sh\n(.*?)```", readme, re.S)[1].splitlines()
    assert len(commands) == 2
    assert f"planportal=={package_version()}" in (repository / "requirements.txt").read_text(encoding="utf-8")
    python3 = tmp_path / "python3-bin"  # the README's `python3`: the interpreter the tests run on
    python3.mkdir()
    (python3 / "python3").symlink_to(Path(sys.executable).resolve())
    for command in commands:
        run(command, cwd=repository, PIP_FIND_LINKS=str(wheel.parent), PIP_NO_INDEX="1",
            PATH=f"{python3}{os.pathsep}{os.environ['PATH']}")
    site = repository / "site"
    for plan in [*EXAMPLE_PLANS.rglob("*.yaml"), Path("HELD-0001.yaml"), Path("EXAMPLE-0001.yaml")]:
        assert (site / layout.client(plan.stem).file).is_file(), plan
        assert (site / layout.large_print(plan.stem).file).is_file(), plan
    assert all((site / name.removesuffix(".md") / "index.html").is_file() for _, name in layout.HELP_PAGES)
    assert "noindex" in (site / "index.html").read_text(encoding="utf-8")

    # An upgrade, as far as the repository can tell: the installed package gains a help page and
    # its theme a line. The next build has both; not a file of the repository changed.
    before = {path: path.read_bytes() for path in repository.rglob("*")
              if path.is_file() and not path.is_relative_to(tool) and not path.is_relative_to(site)}
    installed = Path(where.strip()).parent
    (installed / "help" / "what-is-new.md").write_text("# What is new in this version\n", encoding="utf-8")
    base = installed / "theme" / "base.html"
    robots = '<meta name="robots" content="noindex, nofollow">'
    base.write_text(base.read_text(encoding="utf-8").replace(robots, robots + "<!-- upgraded theme -->"),
                    encoding="utf-8")
    run(commands[1], cwd=repository)
    assert "What is new in this version" in (site / "what-is-new" / "index.html").read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<!-- upgraded theme -->" in index and "What is new in this version" in index  # in the Help tab
    assert before == {path: path.read_bytes() for path in before}

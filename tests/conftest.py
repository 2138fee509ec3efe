"""Shared test parts: the real `mkdocs build`, a local web server, and Debian's Chromium.

Nothing here is mocked: sites are built by running MkDocs on a project folder, served from
127.0.0.1 and opened in headless Chromium driven by Playwright (never a downloaded browser).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from planportal.pdf import CHROMIUM, CHROMIUM_ARGS
from support.languages import write_language_plans
from support.project import REPOSITORY, make_project

# CI replays the same examples every run, so a red build always means a change broke
# something; on a developer's machine hypothesis keeps exploring new inputs.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

EXAMPLE_PLANS = REPOSITORY / "plans"
#: Every site test computes status as of this day, so pages are reproducible.
AS_OF = "2026-11-20"


@dataclass
class Build:
    """The outcome of one real `mkdocs build`."""

    project: Path
    site: Path
    returncode: int
    output: str

    def page(self, url: str) -> str:
        """The HTML of a built page, by its URL (`clients/X/`)."""
        return (self.site / url / "index.html").read_text(encoding="utf-8")


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by its relative path, with its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def build_site(project: Path, *extra: str, as_of: str = AS_OF, config: str = "mkdocs.yml") -> Build:
    """Run the real `mkdocs build` on `project` (with its settings file `config`), as CI does."""
    site = project / "site"
    environment = {**os.environ, "PLANPORTAL_AS_OF": as_of, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *([] if "--dirty" in extra else ["--clean"]),
         "-f", str(project / config), "-d", str(site), *extra],
        capture_output=True, text=True, env=environment, timeout=600,
    )
    return Build(project, site, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example plans of plans/ built once, strictly, as of AS_OF."""
    project = make_project(tmp_path_factory.mktemp("example") / "project", EXAMPLE_PLANS)
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    return build


#: The settings of the site to read from disk: mkdocs.yml with Material's offline plugin.
OFFLINE_CONFIG = "mkdocs-offline.yml"


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example plans built once, strictly, with mkdocs-offline.yml: the site read from disk."""
    project = make_project(tmp_path_factory.mktemp("offline") / "project", EXAMPLE_PLANS)
    shutil.copy(REPOSITORY / OFFLINE_CONFIG, project / OFFLINE_CONFIG)
    build = build_site(project, "--strict", config=OFFLINE_CONFIG)
    assert build.returncode == 0, build.output
    return build


@pytest.fixture(scope="session")
def languages_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A plan in each language of support.languages.LANGUAGES, built once."""
    project = make_project(tmp_path_factory.mktemp("languages") / "project")
    write_language_plans(project / "plans", valid_plan_text)
    build = build_site(project)
    assert build.returncode == 0, build.output
    return build


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A page closed while a file was still being sent is no error of the site's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def example_url(example_site: Build) -> Iterator[str]:
    """The example site served locally."""
    with serve(example_site.site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# --- the validator: rule fixtures and the real console script --------------------------------

RULE_FIXTURES = REPOSITORY / "tests" / "fixtures" / "rules"
PLANPORTAL = Path(sys.executable).with_name("planportal")


def valid_plan_text(client_id: str = "OK-valid") -> str:
    """A complete plan with no finding at all (the fixture OK-valid.yaml), for `client_id`."""
    return (RULE_FIXTURES / "OK-valid.yaml").read_text(encoding="utf-8").replace("OK-valid", client_id)


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli() -> RunCli:
    """Run the installed `planportal` script as a user would: `run_cli(*args, cwd=...)`."""

    def run(*args: str | Path, cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PLANPORTAL), *map(str, args)], cwd=cwd, capture_output=True,
                              text=True, timeout=60)

    return run

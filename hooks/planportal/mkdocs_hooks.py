"""MkDocs hooks: publish the plans under plans/ as the caseload site.

Glue only, and the one module of the package that imports MkDocs: a repository's
`hooks/portal.py` imports these events from the installed package, so they upgrade with it.
The settings under `extra.planportal` are read and checked here, the day status is computed for
is decided here, and each MkDocs event is handed to the rest of the package: `caseload` checks
every plan and `publish` makes the pages. The theme's overrides, the stylesheet and the Help
pages come from the package too. Any plan error stops the build, strict or not. Plan warnings
inform: they are logged as information, which `--strict` does not count, and shown on the staff
pages; only `fail_on_warnings: true` makes them stop the build. Their HTML, rendered from
templates with autoescape, goes in as one block: plan text never passes through Markdown.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_theme_dir

from . import layout
from .caseload import CaseloadCheck
from .history import HistoryReading, unchecked_rules
from .plan import parse_date
from .publish import PageProducer, add_to_search_index, client_search_entries
from .repository import stale_schema
from .safefiles import planted_links
from .status import CaseloadStatus, caseload_status

__all__ = ["on_startup", "on_config", "on_pre_build", "on_files", "on_env", "on_page_content", "on_post_page",
           "on_post_template", "on_post_build", "on_build_error"]

log = logging.getLogger("mkdocs.plugins.planportal")

#: The day status is computed for, when set; else the day of the build.
AS_OF_VARIABLE = "PLANPORTAL_AS_OF"
GENERATOR_TAG = re.compile(r'<meta name="generator"[^>]*>\s*')
#: The theme's overrides and the stylesheet, and the Help pages, as the package holds them.
THEME = Path(__file__).parent / "theme"
STYLESHEET = "assets/planportal.css"
#: Where the theme's base.html finds Material's own (theme/base.html extends it).
MATERIAL_BASE = "material-theme"
HELP = Path(__file__).parent / "help"


class Settings(base.Config):
    """`extra.planportal` in mkdocs.yml."""

    plans = options.Type(str, default="plans")
    """The folder of plan files, relative to mkdocs.yml."""
    agency = options.Type(str, default="")
    """The agency shown for case managers whose plans name none."""
    search_plan_text = options.Type(bool, default=False)
    """Whether plan text (names, issues, steps) goes in the search index."""
    fail_on_warnings = options.Type(bool, default=False)
    """Whether a plan warning stops the build, as an error does."""
    calendar_first_names = options.Type(bool, default=False)
    """Whether the case managers' calendar events name the client's first name beside the id."""
    stale_after_days = options.Type(int, default=90)
    """After how many days without a change an active plan with an overdue step needs a look."""


#: The settings' names, for the messages that list them.
SETTING_NAMES = [name for name, value in vars(Settings).items() if isinstance(value, options.BaseConfigOption)]


def _settings(config: MkDocsConfig) -> Settings:
    """The settings, checked: a misspelt or mistyped key stops the build, naming it."""
    misspelt = [key for key in config.extra if key.lower().replace("_", "") == "planportal" and key != "planportal"]
    if misspelt:
        raise PluginError(f"extra.{misspelt[0]} in mkdocs.yml: the settings' key is written extra.planportal.")
    written = config.extra.get("planportal", {})
    if not isinstance(written, dict):
        raise PluginError(f"extra.planportal in mkdocs.yml must be a set of settings ({', '.join(SETTING_NAMES)}); "
                          "see the Publishing page of the help.")
    settings = Settings(config_file_path=config.config_file_path)
    settings.load_dict(written)
    failed, warned = settings.validate()
    problems = [f"extra.planportal.{key}: {problem}" for key, problem in [*failed, *warned]]
    if problems:
        raise PluginError("; ".join(problems) + ". Correct mkdocs.yml: the settings are "
                          f"{', '.join(SETTING_NAMES[:-1])} and {SETTING_NAMES[-1]}.")
    return settings


def _as_of() -> date:
    """The day status is computed for: PLANPORTAL_AS_OF when set, else today."""
    written = os.environ.get(AS_OF_VARIABLE, "").strip()
    if not written:
        return date.today()
    day = parse_date(written)
    if day is None:
        raise PluginError(f"{AS_OF_VARIABLE}={written!r} is not a day written YYYY-MM-DD, like 2026-11-20.")
    return day


@dataclass
class _Build:
    """One build: its settings and day, the checking of the plans and the page producer."""

    settings: Settings
    as_of: date
    checking: CaseloadCheck
    producer: PageProducer
    #: The plans' history from git, read while they are checked.
    history: HistoryReading
    #: Where each plan stands, once the plans are checked.
    status: CaseloadStatus | None = None


class _Portal:
    """The hooks' state: whether MkDocs keeps the last build's files (from on_startup, once
    per `mkdocs build` or `serve`), and the build under way, made anew by each on_config."""

    dirty = False
    build: _Build | None = None

    def current(self) -> _Build:
        assert self.build is not None, "MkDocs runs on_config first"
        return self.build


_portal = _Portal()


def on_startup(*, command: str, dirty: bool) -> None:
    _portal.dirty = dirty


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check the settings, then start checking the plans and the workers that render their pages.
    The hooks run after the plugins, so `use_directory_urls` is as the plugins left it: Material's
    `offline` plugin turns it off, and the pages' links then name files, for reading from disk."""
    settings, as_of = _settings(config), _as_of()
    base_folder = Path(config.config_file_path).parent
    plans = base_folder / settings.plans
    if not plans.is_dir():
        raise PluginError(f"There is no plan folder at {settings.plans}/; create it or set "
                          "extra.planportal.plans in mkdocs.yml.")
    _take_from_package(config)
    problem = stale_schema(base_folder)
    if problem:
        log.warning(problem)
    checking = CaseloadCheck([plans], base_folder)
    history = HistoryReading(plans)
    producer = PageProducer(Path(config.site_dir), checking.size, search_plan_text=settings.search_plan_text,
                            directory_urls=config.use_directory_urls,
                            calendar_first_names=settings.calendar_first_names)
    _portal.build = _Build(settings, as_of, checking, producer, history)
    return config


def _take_from_package(config: MkDocsConfig) -> None:
    """The theme's overrides (below the repository's own `custom_dir`, above Material), the
    stylesheet (before the repository's own) and the Help tab come from the installed package,
    so that upgrading it brings new ones. A `nav` that already names a help page is the
    repository's own choice and stays as written; with no `nav`, the Caseload comes first,
    then the repository's pages, then Help (MkDocs' own would list every client page)."""
    if str(THEME) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
    if STYLESHEET not in config.extra_css:
        config.extra_css.insert(0, STYLESHEET)
    help_pages = {path.name for path in HELP.glob("*.md")}
    help_section = {"Help": _help_nav(help_pages)}
    if config.nav is None:
        docs = Path(config.docs_dir)
        own = sorted(path.relative_to(docs).as_posix() for path in docs.rglob("*.md")
                     if not any(part.startswith(".") for part in path.relative_to(docs).parts))
        config.nav = [{"Caseload": layout.INDEX.source},
                      *(name for name in own if name != layout.INDEX.source and name not in help_pages), help_section]
    elif not _names_any(config.nav, help_pages):
        first_after_caseload = next((at + 1 for at, item in enumerate(config.nav)
                                     if _names_any([item], {layout.INDEX.source})), 0)
        config.nav.insert(first_after_caseload, help_section)


def _help_nav(help_pages: set[str]) -> list[dict[str, str] | str]:
    """The Help tab: the pages `layout.HELP_PAGES` lists, in its order and with its titles, then
    any other page of the package's help folder under its own first heading."""
    listed = [name for _, name in layout.HELP_PAGES]
    return [*({title: name} for title, name in layout.HELP_PAGES), *sorted(help_pages - set(listed))]


def _names_any(nav: object, names: set[str]) -> bool:
    """Whether a part of `nav` (lists of entries, `title: page` or `title: [entries]`) names a page of `names`."""
    if isinstance(nav, str):
        return nav in names
    if isinstance(nav, list):
        return any(_names_any(item, names) for item in nav)
    if isinstance(nav, dict):
        return any(_names_any(value, names) for value in nav.values())
    return False


def on_pre_build(*, config: MkDocsConfig) -> None:
    """Stop before MkDocs cleans or writes the site folder if a link there would lead its
    deletes or writes out of it: MkDocs empties the folder a link points to, and leaves a
    link to a folder in place, writing through it. A `--dirty` build keeps every file, so
    there any link or hard-linked file counts."""
    site = Path(config.site_dir)
    if site.is_symlink():
        raise PluginError(f"The site folder {site.name}/ is a symbolic link; the build would empty and "
                          "write what it points to. Remove the link and build again.")
    _refuse_links(site, deep=_portal.dirty, when="is in the site folder")


def _refuse_links(site: Path, *, deep: bool, when: str) -> None:
    links = planted_links(site, deep=deep)
    if links:
        more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
        raise PluginError(f"{site.name}/{links[0]}{more}, a link, {when}; the build never writes through "
                          f"links. Delete {site.name}/ and build again.")


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    _refuse_pages_leading_out(files, config)
    build = _portal.current()
    caseload = build.checking.result()
    build.history.attach(caseload.publishable, build.settings.stale_after_days, build.as_of)
    if build.history.missing:
        log.info(f"No plan history: {build.history.missing}. The history pages say so, and {unchecked_rules()} "
                 "are not checked.")
    findings = caseload.findings  # gathered and sorted anew on each access
    fail_on_warnings = build.settings.fail_on_warnings
    stopping = [f for f in findings if f.needs_attention] if fail_on_warnings else []
    for finding in findings:
        stops = finding.is_error or (fail_on_warnings and finding.needs_attention)
        (log.error if stops else log.info)(finding.text())
    errors = sum(f.is_error for f in findings)
    if errors:
        raise PluginError(f"{errors} error{'s' * (errors != 1)} in the plans (listed above); "
                          "fix them and build again. A plan with an error is never published.")
    if stopping:
        raise PluginError(f"{len(stopping)} warning{'s' * (len(stopping) != 1)} in the plans (listed above), and "
                          "extra.planportal.fail_on_warnings is true; fix or acknowledge them, or set it to false.")
    build.producer.start(caseload.publishable, build.as_of, build.settings.agency)
    _add_help(files, config)
    status = build.status = caseload_status(caseload, build.as_of, build.settings.agency)
    warnings = [f for f in findings if not f.is_error]
    for page in build.producer.pages(status, warnings):
        if files.get_file_from_path(page.source) is not None:
            raise PluginError(f"docs/{page.source} would hide a generated page; remove or rename it.")
        files.append(File.generated(config, page.source,
                                    content=_front_matter(page.title,
                                                          build.settings.search_plan_text and page.searchable)))
    _refuse_own_files_at(build.producer.written(), files, config)
    build.producer.own_robots_txt = any(file.dest_uri == layout.ROBOTS_TXT and file.inclusion.is_included()
                                        for file in files)
    return files


def _refuse_own_files_at(generated: list[str], files: Files, config: MkDocsConfig) -> None:
    """Stop if a file of the repository's own (docs/, the theme's `custom_dir`) would be written
    to a file the build generates. Named otherwise than the generated page, it passes the check
    by source (docs/clients/X.md is written to clients/X/index.html, and with either setting of
    `use_directory_urls` docs/README.md to index.html), and one of the two would be lost without
    a word while the search index kept the page's text. Files are compared where MkDocs writes
    them (`dest_uri`), as `_add_help` compares the help pages; a file the build leaves out
    (`exclude_docs`, or `draft_docs`, which only `mkdocs serve` shows) is passed over."""
    where = set(generated)
    for file, shown in _own_files(files, config):
        if file.dest_uri not in where:
            continue
        kind = "page" if file.dest_uri.endswith(".html") else "file"
        raise PluginError(f"{shown} would be published as {file.dest_uri}, where the site's generated {kind} is "
                          "written, hiding one of the two; remove or rename it.")


def _own_files(files: Files, config: MkDocsConfig) -> Iterator[tuple[File, str]]:
    """The repository's own files that the build publishes (from docs/ or the theme's
    `custom_dir`, neither excluded nor drafts), each with its path from mkdocs.yml's folder."""
    own = {config.docs_dir, config.theme.custom_dir}
    top = Path(config.config_file_path).absolute().parent
    for file in files:
        if not (file.generated_by or file.src_dir not in own or file.inclusion.is_excluded()):
            yield file, Path(os.path.relpath(file.abs_src_path, top)).as_posix()


def _refuse_pages_leading_out(files: Files, config: MkDocsConfig) -> None:
    """Stop before MkDocs reads the repository's own pages and files (docs/, the theme's
    `custom_dir`) if one is a link that leaves the repository, or a pipe or device: MkDocs
    follows links, so a link committed there would publish a file of the machine that builds,
    and a pipe would hold the build for ever. Links that stay in the repository are kept."""
    repository = Path(config.config_file_path).parent.resolve()
    for file, shown in _own_files(files, config):
        try:
            target = Path(file.abs_src_path).resolve(strict=True)
        except (OSError, RuntimeError):
            problem = "is reached through a loop of links (or a link to nothing)"
        else:
            if not target.is_relative_to(repository):
                problem = f"leads to {target}, which leaves the repository"
            elif not target.is_file():
                problem = "is not a file (a pipe or a device would hold the build)"
            else:
                continue
        raise PluginError(f"{shown} {problem}; MkDocs would read it into the site. Replace the link with the "
                          "file itself, or remove it.")


def _add_help(files: Files, config: MkDocsConfig) -> None:
    """The package's help pages and their images, as generated files: a page of the same name
    in the repository's docs/ takes its place (and does not upgrade with the package). One of
    another name at the same address (docs/rules/index.md at rules/) would hide one of the two."""
    addresses = {file.dest_uri: file.src_uri for file in files}
    for path in sorted(HELP.rglob("*")):
        name = path.relative_to(HELP).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in name.split("/")):
            continue
        if files.get_file_from_path(name) is not None:
            log.info(f"docs/{name} takes the place of the help page {name} that comes with Plan Portal.")
            continue
        help_file = File.generated(config, name, abs_src_path=str(path))
        if help_file.dest_uri in addresses:
            raise PluginError(f"docs/{addresses[help_file.dest_uri]} would be published at the address of the help "
                              f"page {name}, hiding one of the two: name it docs/{name} to take the help page's "
                              "place, or rename it.")
        files.append(help_file)


def _front_matter(title: str, in_search: bool) -> str:
    """Titles come from ids and slugs only: MkDocs' theme templates do not escape them."""
    search = "" if in_search else "search:\n  exclude: true\n"
    return f"---\ntitle: {title}\nhide:\n  - navigation\n  - toc\n{search}---\n"


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    """The package's theme changes are in its base.html, which every main.html extends, the
    one of an agency's own `custom_dir` too (Material's way to change a page); Material's own
    base.html, which it extends in turn, is reached under a prefix."""
    material = jinja2.FileSystemLoader(get_theme_dir("material"))
    env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader({MATERIAL_BASE: material})])
    return env


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _portal.current().producer.content(page.file.src_uri, html)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Put in a generated page's HTML (and make every client page from the stand-in); drop
    the theme's generator tag, which names its versions."""
    output = GENERATOR_TAG.sub("", output, count=1)
    return _portal.current().producer.post_page(page.file.src_uri, output)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    """The 404 page too carries no generator tag."""
    return GENERATOR_TAG.sub("", output_content, count=1)


@event_priority(-50)  # after the search plugin writes its index, before the offline plugin copies it
def on_post_build(*, config: MkDocsConfig) -> None:
    """Wait for the pages the workers write, and write the files beside them. No sitemap, and
    a robots.txt that keeps every crawler out: the site is internal and must not be indexed. A
    link that appeared in the site folder while MkDocs wrote it (planted by another process
    after the check before the build) may have led a page out of it: the build fails.
    Unless plan text is searched, the search index gets who each client is (never their plan)."""
    build = _portal.current()
    build.producer.finish()
    site = Path(config.site_dir)
    for name in layout.SITEMAPS:
        (site / name).unlink(missing_ok=True)
    _refuse_links(site, deep=True, when="appeared in the site folder during the build")
    if not build.settings.search_plan_text and build.status is not None:
        add_to_search_index(site, client_search_entries(build.status, directory_urls=config.use_directory_urls))


def on_build_error(*, error: Exception) -> None:
    """A failed build stops checking plans and rendering their pages."""
    if _portal.build is not None:
        _portal.build.checking.cancel()
        _portal.build.producer.close()

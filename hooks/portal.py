"""MkDocs hooks: publish the plans under plans/ as the caseload site.

Only glue lives here; loading, checking, status and rendering are the `planportal` package.
Every plan is checked on every build; any error stops the build (strict or not), warnings
are logged so that `--strict` counts them. Pages are added with `File.generated` and their
HTML, rendered from templates with autoescape, replaces the page content as one block:
plan text never passes through Markdown. The standalone large-print copies are written
into the site by `planportal.publish`, which never writes through a link. A site folder
that is a link, or holds one that MkDocs' cleaning would leave or follow, stops the build.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from planportal.caseload import CaseloadCheck
from planportal import layout
from planportal.publish import BODY_MARK, SHELL_ID, SitePages, start_workers
from planportal.safefiles import planted_links
from planportal.status import as_of_from_environment, caseload_status

log = logging.getLogger("mkdocs.plugins.planportal")

#: The HTML of each generated page by its source path, rendered when MkDocs reaches it.
_pages: dict[str, Callable[[], str]] = {}
#: Pages whose HTML goes in after the theme has rendered them, in place of BODY_MARK: the
#: theme's work on every page then overlaps with the workers rendering them.
_late_pages: dict[str, Callable[[], str]] = {}
#: The client page that every other is made from, for a large caseload (see SitePages).
SHELL_PAGE = layout.client(SHELL_ID).source
GENERATOR_TAG = re.compile(r'<meta name="generator"[^>]*>\s*')
#: This build's checking of the plans, begun in on_config so that it overlaps MkDocs'
#: own start (cleaning the site folder, reading the theme).
_checking: CaseloadCheck | None = None
#: Worker processes for the pages of a large caseload, started in on_config too.
_workers: ProcessPoolExecutor | None = None
#: This build's generated pages and large-print copies.
_site_pages: SitePages | None = None
#: Whether MkDocs keeps the last build's files (`--dirty`) rather than emptying the site first.
_dirty = False


def _settings(config: MkDocsConfig) -> dict[str, object]:
    return dict(config.extra.get("planportal", {}))


def _in_search(config: MkDocsConfig) -> bool:
    """Whether plan text goes in the search index, which MkDocs makes from its own pages."""
    return bool(_settings(config).get("search_plan_text", False))


def _agency(config: MkDocsConfig) -> str:
    """The agency shown for case managers whose plans name none."""
    agency = _settings(config).get("agency", "")
    if not isinstance(agency, str):
        raise PluginError("extra.planportal.agency in mkdocs.yml must be text: the agency's name.")
    return agency.strip()


def on_startup(*, command: str, dirty: bool) -> None:
    global _dirty
    _dirty = dirty


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Check the settings, then start checking the plans and the workers that render their pages."""
    global _checking, _workers
    if not config.use_directory_urls:
        raise PluginError("Plan Portal needs use_directory_urls: true in mkdocs.yml "
                          f"(pages live at {layout.CLIENTS}/<id>/).")
    try:
        as_of_from_environment()
    except ValueError as error:
        raise PluginError(str(error)) from error
    base = Path(config.config_file_path).parent
    plans_dir = base / str(_settings(config).get("plans", "plans"))
    if not plans_dir.is_dir():
        raise PluginError(f"There is no plan folder at {plans_dir.name}/; create it or set "
                          "extra.planportal.plans in mkdocs.yml.")
    _checking = CaseloadCheck([plans_dir], base)
    _workers = start_workers(_checking.size, every_core=not _in_search(config))
    return config


def on_pre_build(*, config: MkDocsConfig) -> None:
    """Stop before MkDocs cleans or writes the site folder if a link there would lead its
    deletes or writes out of it: MkDocs empties the folder a link points to, and leaves a
    link to a folder in place, writing through it. A `--dirty` build keeps every file, so
    there any link or hard-linked file counts."""
    site = Path(config.site_dir)
    if site.is_symlink():
        raise PluginError(f"The site folder {site.name}/ is a symbolic link; the build would empty and "
                          "write what it points to. Remove the link and build again.")
    links = planted_links(site, deep=_dirty)
    if links:
        more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
        raise PluginError(f"{site.name}/{links[0]}{more} is a link in the site folder; the build never "
                          f"writes through links. Delete {site.name}/ and build again.")


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    global _site_pages
    assert _checking is not None, "MkDocs runs on_config before on_files"
    caseload = _checking.result()
    findings = caseload.findings  # gathered and sorted anew on each access
    for finding in findings:
        (log.error if finding.is_error else log.warning)(finding.text())
    errors = sum(f.is_error for f in findings)
    if errors:
        raise PluginError(f"{errors} error{'s' * (errors != 1)} in the plans (listed above); "
                          "fix them and build again. A plan with an error is never published.")

    status = caseload_status(caseload, as_of_from_environment(), _agency(config))
    in_search = _in_search(config)
    _pages.clear()
    _late_pages.clear()

    def page(src_uri: str, title: str, html: Callable[[], str], late: bool) -> None:
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"docs/{src_uri} would hide a generated page; remove or rename it.")
        files.append(File.generated(config, src_uri, content=_front_matter(title, in_search)))
        (_late_pages if late else _pages)[src_uri] = html

    warnings = [f for f in findings if not f.is_error]
    _site_pages = SitePages(status, warnings, Path(config.site_dir), _workers, from_shell=not in_search)
    late = not in_search  # the search index reads a page's content before the theme runs
    if _site_pages.from_shell:
        page(SHELL_PAGE, f"Action plan {SHELL_ID}", lambda: BODY_MARK, late)  # the stand-in keeps its mark
    else:
        for plan, html in _site_pages.client_pages():
            page(layout.client(plan.client_id).source, f"Action plan {plan.client_id}", html, late)
    for manager, html in _site_pages.case_manager_pages():
        page(layout.case_manager(manager.slug).source, f"Caseload of {manager.slug.replace('-', ' ').title()}",
             html, late)
    page(layout.INDEX.source, "Caseload", _site_pages.index_page(), late)  # last: rendered here while the workers finish
    return files


def _front_matter(title: str, in_search: bool) -> str:
    """Titles come from ids and slugs only: MkDocs' theme templates do not escape them."""
    search = "" if in_search else "search:\n  exclude: true\n"
    return f"---\ntitle: {title}\nhide:\n  - navigation\n  - toc\n{search}---\n"


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri in _late_pages:
        return BODY_MARK
    render_page = _pages.get(page.file.src_uri)
    return render_page() if render_page else html


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Put in a client page's plan, or have the workers make every client page from this one;
    drop the theme's generator tag, which names its versions."""
    output = GENERATOR_TAG.sub("", output, count=1)
    render_page = _late_pages.get(page.file.src_uri)
    output = output.replace(BODY_MARK, render_page(), 1) if render_page else output
    if page.file.src_uri == SHELL_PAGE and _site_pages is not None and _site_pages.from_shell:
        _site_pages.write_client_pages(output)
    return output


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    """The 404 page too carries no generator tag."""
    return GENERATOR_TAG.sub("", output_content, count=1)


def on_post_build(*, config: MkDocsConfig) -> None:
    """Wait for the pages the workers write. No sitemap: the site is internal and must not be
    indexed."""
    if _site_pages is not None:
        _site_pages.finish()
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (Path(config.site_dir) / name).unlink(missing_ok=True)


def on_build_error(*, error: Exception) -> None:
    """A failed build stops checking plans and rendering their pages."""
    if _checking is not None:
        _checking.cancel()
    if _workers is not None:
        _workers.shutdown(wait=False, cancel_futures=True)

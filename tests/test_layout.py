"""Links between pages are relative, worked out from the two pages' places."""

from __future__ import annotations

import pytest

from planportal import layout


@pytest.mark.parametrize(("here", "target", "link"), [
    (layout.INDEX, layout.client("A-1"), "clients/A-1/"),
    (layout.client("A-1"), layout.large_print("A-1"), "large-print/"),
    (layout.large_print("A-1"), layout.client("A-1"), "../"),
    (layout.case_manager("marie-dubois"), layout.INDEX, "../../"),
    (layout.case_manager("marie-dubois"), layout.client("B-2"), "../../clients/B-2/"),
    (layout.large_print("A-1"), layout.case_manager("m"), "../../../case-managers/m/"),
    (layout.INDEX, layout.INDEX, "./"),
    (layout.client("A-1"), layout.client("A-1"), "./"),
])
def test_a_link_leads_from_one_page_to_the_other(here: layout.Page, target: layout.Page, link: str) -> None:
    assert here.link(target) == link


def test_a_link_to_a_place_on_the_same_page_is_the_fragment_alone() -> None:
    assert layout.INDEX.link(layout.INDEX, "#drafts") == "#drafts"
    assert layout.INDEX.link(layout.client("A-1"), "#issue-2") == "clients/A-1/#issue-2"


def test_each_page_has_its_source_and_file() -> None:
    assert (layout.INDEX.source, layout.INDEX.file, layout.INDEX.url) == ("index.md", "index.html", "")
    page = layout.large_print("A-1")
    assert (page.source, page.file, page.url) == ("clients/A-1/large-print/index.md",
                                                  "clients/A-1/large-print/index.html", "clients/A-1/large-print/")


@pytest.mark.parametrize(("here", "target", "link"), [
    (layout.index(directory_urls=False), layout.client("A-1"), "clients/A-1/index.html"),
    (layout.client("A-1", directory_urls=False), layout.large_print("A-1"), "large-print/index.html"),
    (layout.large_print("A-1", directory_urls=False), layout.client("A-1"), "../index.html"),
    (layout.case_manager("m", directory_urls=False), layout.INDEX, "../../index.html"),
    (layout.case_manager("m", directory_urls=False), layout.client("B-2"), "../../clients/B-2/index.html"),
    (layout.index(directory_urls=False), layout.INDEX, "index.html"),
    (layout.client("A-1", directory_urls=False), layout.client("A-1"), "index.html"),
])
def test_without_directory_urls_a_link_names_the_page_file(here: layout.Page, target: layout.Page,
                                                           link: str) -> None:
    """For reading from disk, where a link to a folder opens a listing of its files."""
    assert here.link(target) == link


def test_without_directory_urls_fragments_follow_the_file_name() -> None:
    offline_index = layout.index(directory_urls=False)
    assert offline_index.link(layout.client("A-1"), "#issue-2") == "clients/A-1/index.html#issue-2"
    assert offline_index.link(layout.INDEX, "#drafts") == "#drafts"
    assert (offline_index.url, layout.client("A-1", directory_urls=False).url) == ("index.html",
                                                                                  "clients/A-1/index.html")
    assert layout.client("A-1", directory_urls=False).file == layout.client("A-1").file  # the same files

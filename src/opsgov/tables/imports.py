"""`opsgov import`: tables in, a repository folder out, findings for every row that did not go in whole."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsgov.i18n import ENGLISH, N_, _, choose, speaking
from opsgov.report.finding import Finding
from opsgov.tables.columns import Columns, parse_mapping, recognise
from opsgov.tables.read import Sheet, TableError, fresh, read_table
from opsgov.tables.roster import Roster, build_roster
from opsgov.tables.write import layout, locale_of, write_tree

COUNTED = {
    "units": N_("{count} units"),
    "positions": N_("{count} positions"),
    "persons": N_("{count} persons"),
    "matrices": N_("{count} matrices"),
}
"""How the summary of an import counts what it wrote (`Imported.counts`), translated where it is said."""


@dataclass(slots=True)
class Imported:
    """What an import read and produced: the files to write, and the findings."""

    files: dict[str, str]
    findings: list[Finding]
    roster: Roster
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    lang: str = ENGLISH
    """The language the findings are worded in (`run_import`)."""


@dataclass(slots=True)
class _Sources:
    rosters: list[tuple[Sheet, Columns]] = field(default_factory=list)
    doa: list[tuple[Sheet, Columns]] = field(default_factory=list)
    scim: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _display(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


Tables = list[tuple[str, list[Sheet] | str]]
"""The files as read: each file's display name and its sheets, or the text of a SCIM JSON file."""


def read_tables(paths: Sequence[Path], sheet: str | None = None, base: Path | None = None) -> Tables:
    """Every file read once (the costly part: an XLSX of 10,000 rows takes a second); TableError for one that
    is not a table."""
    tables: Tables = []
    for path in paths:
        display = _display(path, base)
        if path.suffix.lower() == ".json":
            try:
                tables.append((display, path.read_text(encoding="utf-8-sig")))
            except (OSError, UnicodeDecodeError) as error:
                raise TableError(
                    _("{file}: cannot read as UTF-8 JSON: {error}").format(file=display, error=error)
                ) from None
            continue
        tables.append((display, read_table(path, display, sheet)))
    return tables


def _classify(tables: Tables, sheet: str | None, mapping: Mapping[str, str]) -> _Sources:
    sources = _Sources()
    for display, read in tables:
        if isinstance(read, str):
            sources.scim.append((display, read))
            continue
        sheets = [fresh(found) for found in read]
        recognised = 0
        for found in sheets:
            columns = recognise(found, mapping)
            if columns is None:
                if sheet is not None or len(sheets) == 1:
                    where = _("{file} sheet {sheet}").format(file=display, sheet=found.name) if found.name else display
                    raise TableError(
                        _(
                            "{file}: no header row recognised in the first rows; name the columns (部门, 岗位, "
                            "姓名 ... or department, position, name ...) or map them with --map HEADER=field"
                        ).format(file=where)
                    )
                continue
            recognised += 1
            (sources.rosters if columns.kind == "roster" else sources.doa).append((found, columns))
        if not recognised:
            raise TableError(
                _("{file}: no sheet has a recognised header row (部门, 岗位, 姓名 ... or --map)").format(file=display)
            )
    return sources


def read_roster(
    paths: Sequence[Path],
    *,
    sheet: str | None = None,
    mapping: Sequence[str] = (),
    base: Path | None = None,
    tables: Tables | None = None,
) -> tuple[Roster, _Sources]:
    """The one roster the tables describe (a SCIM export or a roster sheet), and the other sources found.

    `tables`: the files already read (read_tables), else `paths` are read.
    """
    read = read_tables(paths, sheet, base) if tables is None else tables
    sources = _classify(read, sheet, parse_mapping(mapping))
    rosters: list[Roster] = [build_roster(found, columns) for found, columns in sources.rosters]
    if sources.scim:
        from opsgov.tables.scim import scim_roster

        rosters.extend(scim_roster(display, text) for display, text in sources.scim)
    if not rosters:
        raise TableError(
            _("no roster given: a table with 部门/岗位/姓名 (department/position/name) columns, or SCIM JSON")
        )
    if len(rosters) > 1:
        raise TableError(
            _("more than one roster given (sheets or files); import one at a time or choose one with --sheet")
        )
    return rosters[0], sources


def run_import(
    paths: Sequence[Path],
    out_dir: Path,
    *,
    sheet: str | None = None,
    mapping: Sequence[str] = (),
    force: bool = False,
    write: bool = True,
    lang: str = "",
) -> Imported:
    """Read the tables, build the documents, write them into `out_dir` (whole or not at all).

    The findings speak the run's language (opsgov.i18n.choose): `lang` (--lang, else opsgov.yaml
    `lang`), else the `locale` of the Organization the import writes (zh-CN when the roster's
    titles are Chinese, write.locale_of), else the environment. As with `opsgov check`, reading
    speaks the language known before the roster is read (a TableError is worded in it); when the
    roster's locale then changes the language, an import with findings is built again from the
    tables as read, in that language (the files are read once; a clean import pays nothing). A
    ValueError names a `lang` there are no messages in.
    """
    known = choose(lang, "")  # before the roster is read: `lang`, else the environment
    with speaking(known):
        tables = read_tables(paths, sheet)
        imported = _imported(paths, tables, sheet, mapping)
    language = choose(lang, locale_of(imported.roster))
    if imported.findings and language != known:
        with speaking(language):
            imported = _imported(paths, tables, sheet, mapping)
    imported.lang = language
    if write:
        with speaking(language):
            write_tree(imported.files, out_dir, inputs=paths, force=force)
    return imported


def _imported(paths: Sequence[Path], tables: Tables, sheet: str | None, mapping: Sequence[str]) -> Imported:
    """The documents and findings of the tables as read, in the language spoken."""
    roster, sources = read_roster(paths, sheet=sheet, mapping=mapping, tables=tables)
    findings = [*roster.findings]
    extra: dict[str, list[dict[str, Any]]] = {}
    if sources.doa:
        from opsgov.tables.doa import build_matrices
        from opsgov.tables.ids import Namer

        namer = Namer()
        for found, columns in sources.doa:
            matrices, problems = build_matrices(found, columns, roster, namer)
            findings.extend(problems)
            for matrix in matrices:
                extra[f"ops/approvals/{matrix['metadata']['name']}.yaml"] = [matrix]
    source = ", ".join(path.name for path in paths)
    files = layout(roster, source=source, extra=extra)
    counts = {
        "units": len(roster.units),
        "positions": len(roster.posts),
        "persons": len(roster.persons),
        "matrices": sum(len(documents) for documents in extra.values()),
    }
    return Imported(files, sorted(findings), roster, roster.rows, counts)

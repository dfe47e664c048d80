"""``dyad import``: event data other projects coded, through the gate into the store.

Each file becomes one named graph (:func:`dyad.gdelt.source_iri`). All files of one call are
read, mapped and validated before any is written; each is then written in one transaction, so a
bad file leaves the store as it was. Importing a file again changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import click

from dyad import gate
from dyad.gdelt import Imported, map_file
from dyad.identity import event_nodes, fold_graph
from dyad.parse import SourceGraph
from dyad.store import Store, default_path


def import_gdelt(store: Store, paths: list[Path]) -> list[tuple[Imported, int, bool]]:
    """Import GDELT files; per file: what was mapped, how many of its events were already stored
    under another IRI, and whether the store changed. Raises before writing anything if any file
    cannot be read or does not validate."""
    mapped = [map_file(p) for p in paths]
    gate.ensure_base(store)
    folded = [fold_graph(store, m.graph) for m in mapped]
    for m in mapped:  # folding may make two of a file's events one
        m.events = len(event_nodes(m.graph))
    checked = gate.check(store, [SourceGraph(m.name, m.graph, str(m.path)) for m in mapped])
    written = gate.commit(store, checked)
    return [(m, f, w.changed) for m, f, w in zip(mapped, folded, written)]


def summary_lines(m: Imported, folded: int, changed: bool) -> list[str]:
    skipped = sum(m.skipped.values())
    lines = [
        f"{m.path}: {m.layout.name}, {m.rows} rows: {m.mapped} mapped, {skipped} skipped; "
        f"{m.events} events, {m.reports} reports ({'store changed' if changed else 'unchanged'})",
    ]
    if folded:
        lines.append(f"  {folded} event(s) were already in the store under another IRI: their reports were added")
    for reason, n in sorted(m.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  skipped {n}: {reason}")
    return lines


@click.group(name="import")
def import_group() -> None:
    """Import event data coded by other projects (GDELT)."""


@import_group.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--store", "store_dir", type=click.Path(path_type=Path), envvar="DYAD_STORE", default=None,
              help="Store folder (default: $DYAD_STORE, else ~/.local/share/dyad/store).")
def gdelt(files: tuple[Path, ...], store_dir: Path | None) -> None:
    """Import GDELT event files: 2.0 exports (61 columns) or 1.0 daily files (57/58), plain or zipped.

    Rows whose CAMEO code has a Dyad class and whose actors are states or international
    organizations become events; duplicate rows (same class, actors and day) fold into one event
    with one report per article URL. Every report is attributed to GDELT (prov:wasAttributedTo
    dyid:coder/gdelt). The summary counts the rows skipped, by reason.
    """
    store = Store(store_dir or default_path())
    for m, folded, changed in import_gdelt(store, list(files)):
        for line in summary_lines(m, folded, changed):
            click.echo(line, err=True)

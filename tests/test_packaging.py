"""The shipped files (ontology, shapes, queries, data) are in the wheel, and an installed Dyad
finds them there, not in a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_carries_the_data_files_and_finds_them(tmp_path: Path) -> None:
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("dyad-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("dyad/_resources/ontology/dyad.ttl", "dyad/_resources/ontology/context.jsonld",
                    "dyad/_resources/shapes/events.ttl", "dyad/_resources/queries/who-did-what.rq",
                    "dyad/_resources/queries/counts/dyads.rq",
                    "dyad/_resources/data/actors/states.yaml", "dyad/_resources/data/lexicons/id/triggers.yaml",
                    "dyad/web/index.html", "ingest/extract.py"):
        assert shipped in names, shipped
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # Run from an unrelated folder with only the unpacked wheel on the path.
    code = ("from dyad.resources import resource; from dyad import queries; "
            "print(resource('ontology', 'dyad.ttl')); print(len(queries.available()))")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert ran.returncode == 0, ran.stderr
    path, count = ran.stdout.split()
    assert path.startswith(str(unpacked)) and int(count) >= 5


def test_readme_lists_every_named_query() -> None:
    # the README's query table is how users find the queries: none may be missing from it
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert len(names) >= 7
    missing = [n for n in names if f"| `{n}` |" not in readme]
    assert not missing, f"README's query table lacks {missing}"


def test_make_demo_says_how_to_go_on(tmp_path: Path) -> None:
    # the lines make demo prints must work as printed: dyad on PATH, the demo store found
    venv = Path(sys.prefix)
    store = tmp_path / "demo-store"
    ran = subprocess.run(["make", "-s", "demo", f"VENV={venv}", f"DYAD_STORE={store}"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    setup = next(line.strip() for line in lines if "activate" in line)
    assert setup == f". {venv}/bin/activate && export DYAD_STORE={store}"
    follow = subprocess.run(["bash", "-c", f"cd {tmp_path} && {setup} && dyad query timeline -p actor=KOR --format csv"],
                            capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert follow.returncode == 0, follow.stderr
    assert "Summons" in follow.stdout

"""Shared fixtures: paths from this file, never from the working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "seed-events.ttl"
SEED_TEXT = ROOT / "data" / "samples" / "article-id-2024-10-24.txt"


@dataclass
class Ran:
    code: int
    out: str
    err: str


def run_dyad(*args: str, store: Path | None = None, stdin: str | None = None, env: dict | None = None) -> Ran:
    """Run the real command line in a child process, as a user would."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("DYAD_STORE", None)
    cmd = [sys.executable, "-m", "dyad", *args]
    if store is not None:
        cmd += ["--store", str(store)]
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=full_env, cwd=ROOT, timeout=600)
    return Ran(p.returncode, p.stdout, p.stderr)


@pytest.fixture
def dyad():
    return run_dyad


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"

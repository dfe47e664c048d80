"""Data files a domain expert edits are read as YAML 1.2 reads them (dyad/resources.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dyad.resources import read_yaml, resource

DATA = sorted(p for folder in ("data", "shapes") for p in resource(folder).rglob("*.yaml"))


def test_the_shipped_data_files_read() -> None:
    assert len(DATA) > 20
    for path in DATA:
        read_yaml(path)  # raises on a key given twice


def test_a_key_given_twice_is_an_error_naming_its_line(tmp_path: Path) -> None:
    """PyYAML keeps the last of two equal keys: a list added under a name already used would
    silently replace the first (it happened to the English lexicon's claim_by)."""
    path = tmp_path / "words.yaml"
    path.write_text("words:\n  claim_by: [of, from, by]\n  falsity: [false]\n  claim_by: [by]\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError, match=r"(?s)'claim_by' given twice.*line 4"):
        read_yaml(path)


def test_only_true_and_false_are_booleans(tmp_path: Path) -> None:
    path = tmp_path / "words.yaml"
    path.write_text("negation: [no, not]\ncode: NO\nflag: true\n", encoding="utf-8")
    assert read_yaml(path) == {"negation": ["no", "not"], "code": "NO", "flag": True}

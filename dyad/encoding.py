"""Bytes to text, the same way for every reader: articles, submissions, RDF files.

A byte order mark says the encoding (UTF-8, UTF-16 or UTF-32, as Windows editors save them);
without one, UTF-8. Anything else is refused with the line and column of the first byte that
does not decode, and what to run to convert it.
"""

from __future__ import annotations

import codecs

from dyad.errors import InputError

__all__ = ["decode", "marked"]

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def marked(data: bytes) -> str | None:
    """The codec a byte order mark at the start of ``data`` says, or None without one."""
    return next((c for bom, c in _BOMS if data.startswith(bom)), None)


def decode(data: bytes, where: str, *, expected: str = "UTF-8 text") -> str:
    """The text of ``data`` (InputError naming ``where`` and the line when it is not text)."""
    codec = marked(data)
    if codec is None:
        codec = "utf-8"
        if b"\x00" in data:
            raise InputError(f"binary file (contains NUL bytes); expected {expected}", where=where)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line, col = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError(
            f"not valid {codec.upper().replace('-SIG', '')}: byte 0x{data[exc.start]:02x} at column {col} "
            "cannot be decoded; convert the file to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)",
            where=f"{where}:{line}") from None
    if "\x00" in text:
        raise InputError("binary file (contains NUL characters); expected text", where=where)
    return text

"""Properties over arbitrary text: read_text raises only InputError, and every offset that
read_text, sentences and find_times give lies within the text and slices to the quoted text."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyad.errors import InputError
from ingest.article import read_text
from ingest.nlp import sentences
from ingest.temporal import find_times

# Arbitrary text, plus pieces of the layouts so the recognisers actually fire.
PIECES = st.sampled_from([
    "• News\n", "By Jane Doe | Reuters\n", "Yati Maulana | Kamis, 24/10/2024 09:35 WIB\n",
    "October 21, 2024 10:15 AM GMT+9\n", "SEOUL - ", "SEOUL, Oct 21 (Reuters) - ", "Foto via REUTERS\n",
    "pada hari Senin", "minggu lalu", "on Monday, Oct. 21", "\n\n", "\"", ". ", "Updated ", "31/02/2024 ",
])
TEXT = st.lists(st.one_of(st.text(max_size=40), PIECES), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_read_text_total_and_offsets_in_range(text: str) -> None:
    try:
        article = read_text(text, name="prop")
    except InputError:
        return
    n = len(article.text)
    assert article.text == text
    assert 0 <= article.body_start <= n
    for _kind, s, e in article.parts:
        assert 0 <= s <= e <= n
    for sent in sentences(article):
        assert 0 <= sent.start < sent.end <= n and article.text[sent.start:sent.end] == sent.text
    for m in find_times(article.text, article.language, date(2024, 10, 24)):
        assert 0 <= m.start < m.end <= n and article.text[m.start:m.end] == m.text

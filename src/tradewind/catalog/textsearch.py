"""Text folding and tokenizing for product search, shared by indexing and querying.

Both database back ends index text this module has already folded into plain tokens
separated by spaces, and receive queries built here from the same tokens. Doing the
linguistics once, in Python, is what makes SQLite FTS5 and PostgreSQL full text search
match exactly the same documents (neither engine's own tokenizer gets a say), and it
keeps hostile input away from either engine's query syntax: only letters and digits
survive tokenizing, so ``"``, ``*``, ``AND(`` or ``:*`` can never reach a MATCH.

Scripts written without spaces between words (Chinese, Japanese, Thai) cannot be split
into words without a dictionary, and FTS5's unicode61 tokenizer would index a whole
Japanese sentence as one token that no query word equals. Those characters are therefore
indexed one per token and a query run of them becomes a phrase of adjacent characters,
which is substring search: ``靴`` finds ``運動靴`` and ``スニーカー`` finds
``白いスニーカー``. The cost is a few false positives where a character sequence spans a
word boundary, which is acceptable for product names.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

MAX_TERMS = 16
MAX_PHRASE_CHARS = 32

# Kana voicing marks are nonspacing marks, but dropping them would turn ガ into カ; they
# are kept so that NFKC composes them back. Every other nonspacing mark (Latin accents,
# Arabic harakat, hamza on alef, Thai vowel signs) is dropped: that is the accent-folding.
_KEPT_MARKS = {"\u3099", "\u309a"}
_TATWEEL = 0x0640  # stretches an Arabic word on screen; not part of it

# Thai; Hiragana and Katakana; Katakana extensions; CJK ideographs (extension A, unified,
# compatibility, extensions B and later); halfwidth Katakana.
_UNSEGMENTED = (
    "\u0e00-\u0e7f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff"
)
# A token is a run of letters and digits outside those scripts, or a run of letters
# inside them (punctuation such as ・ sits in the Katakana block but is no letter).
_TOKEN = re.compile(rf"(?P<word>[^\W_{_UNSEGMENTED}]+)|(?P<run>(?:(?=[^\W_])[{_UNSEGMENTED}])+)")

_ASCII_TOKEN = re.compile(r"[a-z0-9]+")


@cache
def _mark_table() -> dict[int, None]:
    table: dict[int, None] = dict.fromkeys(
        cp
        for cp in range(0x30000)
        if unicodedata.category(chr(cp)) == "Mn" and chr(cp) not in _KEPT_MARKS
    )
    table[_TATWEEL] = None
    return table


def fold(text: str) -> str:
    """Compatibility-normalized, case-folded text without accents or diacritics."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text).translate(_mark_table())
    return unicodedata.normalize("NFKC", decomposed).casefold()


@dataclass(frozen=True)
class Term:
    """One query term: a word matched by prefix, or a run of characters matched as a phrase."""

    tokens: tuple[str, ...]
    prefix: bool


def terms(text: str) -> list[Term]:
    """``iPhone用ケース`` -> [Term(("iphone",), prefix), Term(("用", "ケ", "ー", "ス"), phrase)]."""
    return [
        Term((match["word"],), prefix=True) if match["word"] else Term(tuple(match["run"]), False)
        for match in _TOKEN.finditer(fold(text))
    ]


def index_text(*parts: str) -> str:
    """What the search index stores for some text: its tokens joined by spaces."""
    tokens = []
    for part in parts:
        folded = fold(part)
        if folded.isascii():  # most catalog text; a simpler pattern is several times faster
            tokens.extend(_ASCII_TOKEN.findall(folded))
        else:
            tokens.extend(word or " ".join(run) for word, run in _TOKEN.findall(folded))
    return " ".join(tokens)


def query_terms(query: str) -> list[Term]:
    """The distinct terms of a shopper's query, bounded so a pasted essay stays cheap."""
    unique: list[Term] = []
    for term in terms(query):
        bounded = Term(term.tokens[:MAX_PHRASE_CHARS], term.prefix)
        if bounded not in unique:
            unique.append(bounded)
    return unique[:MAX_TERMS]


def fts5_match(query_terms: list[Term]) -> str:
    """An FTS5 MATCH expression: every term must match (implicit AND).

    Tokens hold only letters and digits, so quoting them needs no escaping.
    """
    parts = []
    for term in query_terms:
        phrase = '"' + " ".join(term.tokens) + '"'
        parts.append(phrase + "*" if term.prefix else phrase)
    return " ".join(parts)


def pg_tsquery(query_terms: list[Term]) -> str:
    """A PostgreSQL ``to_tsquery`` expression equivalent to :func:`fts5_match`."""
    parts = []
    for term in query_terms:
        phrase = " <-> ".join(term.tokens)
        parts.append(f"{phrase}:*" if term.prefix else f"({phrase})")
    return " & ".join(parts)

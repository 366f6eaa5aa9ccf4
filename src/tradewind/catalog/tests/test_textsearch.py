"""Folding and tokenizing, the part of search both databases share."""

from __future__ import annotations

from tradewind.catalog import textsearch
from tradewind.catalog.textsearch import Term


def test_folding_drops_case_and_accents_but_keeps_kana_voicing() -> None:
    assert textsearch.fold("Crème BRÛLÉE") == "creme brulee"
    assert textsearch.fold("Straße") == "strasse"
    assert textsearch.fold("ガ") == "ガ"
    assert textsearch.fold("ｶﾞｲﾄﾞ") == "ガイド"  # half-width katakana is widened


def test_arabic_diacritics_hamza_and_tatweel_are_folded() -> None:
    assert textsearch.fold("حِذَاء") == "حذاء"
    assert textsearch.fold("أحمد") == "احمد"
    assert textsearch.fold("جـــميل") == "جميل"


def test_latin_words_become_prefix_terms_and_cjk_runs_phrases() -> None:
    assert textsearch.terms("iPhone用ケース, t-shirt") == [
        Term(("iphone",), prefix=True),
        Term(("用", "ケ", "ー", "ス"), prefix=False),
        Term(("t",), prefix=True),
        Term(("shirt",), prefix=True),
    ]


def test_index_text_is_the_tokens_joined_by_spaces() -> None:
    assert (
        textsearch.index_text("Sneakers 運動靴", "Café_au_lait") == "sneakers 運 動 靴 cafe au lait"
    )


def test_query_syntax_of_either_engine_is_reduced_to_words() -> None:
    hostile = '"sneak*" AND( NEAR(a b) col:x & !y <-> :* -z ^w'
    words = [t.tokens[0] for t in textsearch.query_terms(hostile)]
    assert words == ["sneak", "and", "near", "a", "b", "col", "x", "y", "z", "w"]
    assert textsearch.query_terms('"*()&|!:<->^') == []


def test_queries_are_bounded_and_deduplicated() -> None:
    assert len(textsearch.query_terms(" ".join(f"w{i}" for i in range(100)))) == 16
    assert len(textsearch.query_terms("shoe shoe SHOE")) == 1
    assert len(textsearch.query_terms("靴" * 100)[0].tokens) == textsearch.MAX_PHRASE_CHARS


def test_both_engines_get_the_same_terms() -> None:
    terms = textsearch.query_terms("red 運動靴")
    assert textsearch.fts5_match(terms) == '"red"* "運 動 靴"'
    assert textsearch.pg_tsquery(terms) == "red:* & (運 <-> 動 <-> 靴)"

"""Swedish normal forms for BM25 and highlighting: lemmas, compound parts, stems, å/ä/ö folded."""

from __future__ import annotations

import threading

import pytest

from assistant.search import lexical
from assistant.search.lexical import (
    _computed_forms,
    forms_table,
    inflected_verb,
    normal_forms,
    tokenize,
    use_stored_forms,
)


def test_inflections_meet_and_different_words_stay_apart() -> None:
    assert normal_forms("styrkedjan") == normal_forms("styrkedja")
    assert normal_forms("kommunerna")[0] == normal_forms("kommun")[0]
    assert normal_forms("säger")[0] != normal_forms("såg")[0]  # Snowball alone stems both to "sag"


def test_unknown_compounds_are_split_into_their_parts() -> None:
    forms = set(normal_forms("kommunbudget"))
    assert {normal_forms("kommun")[0], normal_forms("budget")[0]} <= forms
    assert set(normal_forms("jämställdhetsarbetet")) >= {normal_forms("jämställdhet")[0], normal_forms("arbete")[0]}
    assert normal_forms("styrkedjan")[0] not in normal_forms("styra")  # the whole word outweighs a part


def test_text_without_diacritics_meets_text_with_them() -> None:
    assert set(tokenize("jamstalldhet forskolan")) & set(tokenize("jämställdhet förskolan")) == set(
        tokenize("jämställdhet förskolan")
    )


def test_stopwords_and_superscripts_are_dropped() -> None:
    assert tokenize("och det är") == []
    assert tokenize("Vad ska vi göra i skolan?") == tokenize("göra skolan")  # "ska" is no "skola"
    assert tokenize("livet¹") == tokenize("livet")


def test_normal_forms_are_safe_from_many_threads() -> None:
    words = [f"kommunbudget{n}" for n in range(200)] + ["styrkedjan", "förvaltningarna"] * 50
    expected = {w: _computed_forms.__wrapped__(w) for w in set(words)}
    _computed_forms.cache_clear()
    found: dict[str, tuple[str, ...]] = {}

    def work(chunk: list[str]) -> None:
        for word in chunk:
            found[word] = normal_forms(word)

    threads = [threading.Thread(target=work, args=(words[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == expected


def test_stored_forms_are_the_computed_ones() -> None:
    table = forms_table(["styrkedjan", "förvaltningarna", "kommunbudget"])
    assert table == {w: _computed_forms(w) for w in table}


def test_each_index_loaded_replaces_the_stored_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexical, "_stored", lexical._stored)  # the session's table comes back afterwards
    use_stored_forms({"påhittadeordet": ["pahitt"]})
    assert normal_forms("påhittadeordet") == ("pahitt",)
    use_stored_forms({"annatpåhitt": ["annat"]})
    assert lexical._stored == {"annatpåhitt": ("annat",)}
    assert normal_forms("påhittadeordet") == _computed_forms("påhittadeordet")


@pytest.mark.parametrize("word", ["kostade", "funkade", "rekommenderas", "undviker", "tyckte", "ansökte"])
def test_inflected_verbs_are_told(word: str) -> None:
    assert inflected_verb(word)


@pytest.mark.parametrize("word", ["personalen", "kvinnor", "skolan", "rekrytera", "äldreomsorgen", "kommuner"])
def test_nouns_and_infinitives_are_not_inflected_verbs(word: str) -> None:
    assert not inflected_verb(word)

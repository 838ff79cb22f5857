"""Bridges from a question's words to the documents' words: synonyms they use, BM25, coverage and the notice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.reply.answerability import absent_words
from assistant.search.bm25 import bm25_scores
from assistant.search.bridges import Bridge, Bridges, BridgeTable, synonym_table
from assistant.search.lexical import tokenize
from assistant.search.thesaurus import INSTALL, MYTHES, mythes_groups, synonym_pairs

FORMS = frozenset(tokenize("Politikerna och rektorer pratade med skolpersonalen om styrdokument."))
NO_VECTORS = np.zeros((0, 4), dtype=np.float32)


def thesaurus(tmp_path: Path, text: str) -> Path:
    """A mythes ``.dat`` file in its own encoding (ISO-8859-1, named on its first line)."""
    path = tmp_path / "th_sv.dat"
    path.write_bytes(f"ISO-8859-1\n{text}".encode("iso-8859-1"))
    return path


def test_a_thesaurus_entry_bridges_its_headword_and_its_synonyms_both_ways(tmp_path: Path) -> None:
    path = thesaurus(tmp_path, "makthavare|1\n(subst.)|politiker|regent\nrektor|1\n(subst.)|skolchef\n")
    assert list(mythes_groups(path)) == [("makthavare", "politiker", "regent"), ("rektor", "skolchef")]
    bridges = Bridges(BridgeTable(synonym_table(FORMS, synonym_pairs(path)), [], NO_VECTORS), FORMS, None)
    assert bridges.synonyms("makthavarna") == ("politiker",)
    assert bridges.synonyms("skolchefen") == ("rektor",)


def test_a_word_is_never_bridged_to_a_word_the_documents_lack(tmp_path: Path) -> None:
    path = thesaurus(tmp_path, "makthavare|1\n(subst.)|regent|furste\n")
    table = synonym_table(FORMS, synonym_pairs(path))
    assert tokenize("makthavare")[0] not in table  # neither "regent" nor "furste" is in the documents
    assert table[tokenize("förtroendevald")[0]] == [["förtroendevald", ["politiker"]]]  # "ledamot" etc. are absent


def test_words_whose_stems_meet_keep_their_own_synonyms(tmp_path: Path) -> None:
    path = thesaurus(tmp_path, "lärd|1\n(adj.)|styrdokument\nlag|1\n(subst.)|rektorer\n")  # "lärd", "lärare": "lar"
    bridges = Bridges(BridgeTable(synonym_table(FORMS, synonym_pairs(path)), [], NO_VECTORS), FORMS, None)
    assert bridges.synonyms("lärarna") == ("skolpersonal",)
    assert bridges.synonyms("lärd") == ("styrdokument",)
    assert bridges.synonyms("laget") == ("rektorer",)
    assert bridges.synonyms("läget") == ()  # stems to "lag" too, but is not "lag"


def test_a_word_takes_only_the_synonyms_of_the_word_it_is_an_inflection_of(tmp_path: Path) -> None:
    """A shared beginning is not enough: "kostar" is "kosta", not "kost" (food); "nämns" is "nämna", not "nämnd"."""
    path = thesaurus(tmp_path, "kost|1\n(subst.)|politiker\nbussig|1\n(adj.)|rektorer\n")
    bridges = Bridges(BridgeTable(synonym_table(FORMS, synonym_pairs(path)), [], NO_VECTORS), FORMS, None)
    assert bridges.synonyms("kosten") == ("politiker",)
    assert bridges.synonyms("kostar") == ()
    assert bridges.synonyms("bussen") == ()
    assert bridges.synonyms("nämns") == ()  # the municipal terms' "nämnd" is a body, "nämns" a verb
    assert bridges.synonyms("nämnderna") == ("politiker",)


def test_a_missing_thesaurus_leaves_the_municipal_terms(tmp_path: Path) -> None:
    assert list(mythes_groups(tmp_path / "missing.dat")) == []
    assert synonym_table(FORMS, synonym_pairs(tmp_path / "missing.dat"))


def test_only_words_the_documents_never_use_are_bridged() -> None:
    table = BridgeTable({tokenize("förtroendevalda")[0]: [["förtroendevald", ["politiker"]]]}, [], NO_VECTORS)
    bridges = Bridges(table, FORMS, None)
    assert bridges.of("Hur får vi med politikerna och våra förtroendevalda?") == (
        Bridge("förtroendevalda", ("politiker",)),
    )


def test_a_word_without_synonyms_is_bridged_to_its_neighbours_in_the_model_space(fake_embedder) -> None:
    corpus_words = ["skolpersonalen", "politikerna"]
    table = BridgeTable({}, corpus_words, fake_embedder.encode_passages(corpus_words))
    bridges = Bridges(table, frozenset(tokenize(" ".join(corpus_words))), fake_embedder.encode_queries)
    # the fake embedder's space is spelling: "skolpersonalens" is near "skolpersonalen", "eldsjälar" near nothing
    found = Bridges(table, frozenset(), fake_embedder.encode_queries).of("skolpersonalens eldsjälar")
    assert found == (Bridge("skolpersonalens", ("skolpersonalen",)),)
    assert bridges.of("eldsjälar") == ()


def test_a_bridged_word_counts_in_bm25_at_its_weight(fake_retriever) -> None:
    bm25 = fake_retriever.index.bm25
    mask = np.ones(fake_retriever.index.bm25.scores["num_docs"], dtype=bool)
    whole = bm25_scores(bm25, ["politik"], mask)
    assert whole.max() > 0
    np.testing.assert_allclose(bm25_scores(bm25, ["politik"], mask, {"politik": 0.5}), whole * 0.5, rtol=1e-6)


def test_the_report_saying_it_in_other_words_is_not_an_absent_word(fake_engine) -> None:
    query, _ = fake_engine.understand("Hur engagerar vi våra förtroendevalda i jämställdhetsarbetet?")
    assert Bridge("förtroendevalda", ("politiker",)) in query.bridges
    coverage = fake_engine._loaded.coverage(None)
    assert "förtroendevalda" not in absent_words(query, coverage)
    unbridged = absent_words(type(query)(query.typed, query.text), coverage)
    assert "förtroendevalda" in unbridged  # without the bridge the notice would name it


def test_the_reply_says_what_it_also_searched_for_and_not_that_the_word_is_unused(fake_engine) -> None:
    reply = fake_engine.ask("Hur engagerar vi våra förtroendevalda i jämställdhetsarbetet?")
    text = reply.answer.to_dict()["answer"]
    assert "Sökte också på: politiker" in text
    assert "förtroendevalda”" not in text


@pytest.mark.skipif(not MYTHES.is_file(), reason=f"needs the Swedish thesaurus: {INSTALL}")
def test_the_installed_thesaurus_bridges_to_the_reports_words(fake_engine) -> None:
    query, _ = fake_engine.understand("Vad gör makthavarna för jämställdheten?")  # mythes-sv: makthavare → politiker
    assert Bridge("makthavarna", ("politiker",)) in query.bridges

"""Text pieces: the vectorised char n-gram TF-IDF equals sklearn's, the glossary bridges Japanese and English."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from govtech.scoring.ngrams import CharNgramTfidf
from govtech.scoring.text import GlossaryExpander, default_glossary, normalize_text, skill_name_terms

TEXTS = [
    "自治体の基幹業務システム標準化の経験",
    "Led core-system standardisation  at a ward\toffice",
    "a b",
    "",
    "ｾｷｭﾘﾃｨ ポリシー 改定 x",
    "ガバメントクラウド移行　（全角スペース）",
]


@pytest.mark.parametrize("ngram_range", [(2, 3), (1, 3), (1, 1), (3, 3)])
def test_tfidf_equals_sklearn_char_wb(ngram_range):
    texts = [normalize_text(t) for t in TEXTS]
    ours = CharNgramTfidf(ngram_range)
    mine = ours.fit_transform(texts).toarray()
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False,
                                sublinear_tf=True, dtype=np.float32)
    expected = reference.fit_transform(texts).toarray()
    names = list(reference.get_feature_names_out())
    columns = [names.index(g) for g in ours.feature_names(range(mine.shape[1]))]
    assert sorted(columns) == list(range(len(names)))
    assert mine == pytest.approx(expected[:, columns], abs=1e-6)
    unseen = [normalize_text("標準化の経験 zz"), "未知"]
    assert ours.transform(unseen).toarray() == pytest.approx(reference.transform(unseen).toarray()[:, columns],
                                                             abs=1e-6)


def test_tfidf_df_limits_and_empty_corpus():
    tfidf = CharNgramTfidf((2, 2), max_df=0.5)
    rows = tfidf.fit_transform(["ab", "ab", "cd"])
    assert tfidf.feature_names(range(rows.shape[1])) == [" c", "cd", "d "]
    assert CharNgramTfidf().fit_transform(["", " "]).shape == (2, 0)


def test_normalize_folds_width_and_case():
    assert normalize_text("ＧｏｖＴｅｃｈ　ｾｷｭﾘﾃｨ") == "govtech セキュリティ"


def test_glossary_bridges_languages_and_strips_skill_names():
    expand = GlossaryExpander(default_glossary(), strip=skill_name_terms())
    english = expand("Migrated a municipality to the Government Cloud. Strong in Security policy.")
    assert "ガバメントクラウド" in english and "自治体" in english
    assert "security policy" not in english  # a skill name: scored by coverage, not text
    japanese = expand("基幹業務システム標準化と、ガバメントクラウド移行")
    assert "基幹業務システム標準化" not in japanese and "government cloud" in japanese


def test_counting_without_packing_gives_the_same_matrix(monkeypatch):
    import govtech.scoring.ngrams as ngrams

    texts = [normalize_text(t) for t in TEXTS] * 3
    packed = CharNgramTfidf().fit_transform(texts).toarray()
    monkeypatch.setattr(ngrams, "_packable", lambda bits, doc_bits: False)  # as with a huge alphabet
    assert CharNgramTfidf().fit_transform(texts).toarray() == pytest.approx(packed)

"""Shared phrases of a bio and a role description: the suffix-automaton `_phrases` answers exactly what the
difflib version it replaced answered (kept here, verbatim, as the oracle), on random and on generated texts."""

from __future__ import annotations

import random
from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govtech.scoring import SkillMapScorer, skill_codes
from govtech.scoring.synthetic import make_pool
from govtech.scoring.text import (
    _HIRAGANA,
    _SPLIT,
    GlossaryExpander,
    SharedTerms,
    Substrings,
    _phrases,
    default_glossary,
    skill_name_terms,
)


def difflib_phrases(a: str, matcher: SequenceMatcher, limit: int, min_len: int = 2) -> list[str]:
    """The previous `_phrases` (difflib's find_longest_match, the match blanked in a after each round)."""
    b = matcher.b
    found: list[str] = []
    for _ in range(limit * 3):
        matcher.set_seq1(a)
        match = matcher.find_longest_match(0, len(a), 0, len(b))
        if match.size < min_len:
            break
        for piece in _SPLIT.split(a[match.a:match.a + match.size]):
            piece = piece.strip()
            # Pieces of only hiragana are grammar (して, います), not content.
            if len(piece) >= min_len and not _HIRAGANA.fullmatch(piece) and not any(piece in f for f in found):
                found.append(piece)
        a = a[:match.a] + "\x00" * match.size + a[match.a + match.size:]
    return found


def oracle(a: str, b: str, limit: int = 8, min_len: int = 2) -> list[str]:
    """What the difflib version answers for the pair, as the previous SharedTerms set its matcher up."""
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(b)
    return difflib_phrases(a, matcher, limit, min_len)


def longest_ends(a: str, b: str) -> list[int]:
    """By brute force: the longest substring of b ending at each position of a."""
    return [max((n for n in range(1, i + 2) if a[i + 1 - n:i + 1] in b), default=0) for i in range(len(a))]


# Small alphabets make long, repeated and equally long matches common: ties, re-matches after blanking.
ALPHABETS = ("ab", "ab c", "aab", "標準化の経験", "して います、。", "ab|,.;:!?()[]「」『』、。・/ ", "区役所でのクラウド移行",
             "ab\x00", "あいうアイ")


def random_text(rng: random.Random, alphabet: str, longest: int) -> str:
    """Random characters, sometimes built from repeated chunks (a phrase told twice, a list of items)."""
    if rng.random() < 0.3:
        chunk = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))
        return "".join(chunk if rng.random() < 0.6 else rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))


def test_random_pairs_over_small_alphabets_match_difflib():
    rng = random.Random(20261206)
    checked = 0
    for _ in range(4000):
        alphabet = rng.choice(ALPHABETS)
        a, b = random_text(rng, alphabet, 40), random_text(rng, alphabet, 40)
        if a and rng.random() < 0.4:  # b holds a part of a, between other text
            k = rng.randrange(len(a))
            b = b[:rng.randint(0, len(b))] + a[k:k + rng.randint(1, 12)] + b
        limit, min_len = rng.choice((8, 8, 1, 2, 0, -1)), rng.choice((2, 2, 1, 3, 0, -1))
        assert _phrases(a, Substrings(b), limit, min_len) == oracle(a, b, limit, min_len), (a, b, limit, min_len)
        checked += bool(oracle(a, b, limit, min_len))
    assert checked > 1000  # most pairs share phrases: the comparison is not of empty lists


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(ALPHABETS).flatmap(lambda alphabet: st.tuples(
    st.text(alphabet, max_size=30), st.text(alphabet, max_size=30))),
    st.integers(-1, 9), st.integers(-1, 4))
def test_any_pair_matches_difflib(pair, limit, min_len):
    a, b = pair
    assert _phrases(a, Substrings(b), limit, min_len) == oracle(a, b, limit, min_len)


@settings(max_examples=300, deadline=None)
@given(st.text("abc\x00標準", max_size=25), st.text("abc\x00標準", max_size=25))
def test_the_automaton_finds_the_longest_match_ending_everywhere(a, b):
    assert Substrings(b).match_ends(a) == longest_ends(a, b)


def test_empty_texts_and_limits():
    for a, b in (("", ""), ("", "ab"), ("ab", ""), ("ab", "ab"), ("aaaa", "aa")):
        for limit in (-1, 0, 1, 8):
            for min_len in (-1, 0, 1, 2, 5):
                assert _phrases(a, Substrings(b), limit, min_len) == oracle(a, b, limit, min_len), (a, b)
    assert _phrases("標準化の標準化", Substrings("標準化"), 8) == ["標準化"]  # a repeat is dropped


@pytest.fixture(scope="module")
def generated():
    """Normalised bios and descriptions of a generated pool (without appended translations), and the pool."""
    pool = make_pool(300, 60, seed=3)
    expand = GlossaryExpander(default_glossary(), strip=skill_name_terms())
    bios = [expand(t).split(" | ")[0] for t in pool.professionals.bios]
    descriptions = [expand(t).split(" | ")[0] for t in pool.roles.descriptions]
    return pool, bios, descriptions


def test_generated_bios_and_descriptions_match_difflib(generated):
    _pool, bios, descriptions = generated
    # As generated (30–320 characters), and joined into long texts (several hundred characters).
    long_bios = [" ".join(bios[k:k + 5]) for k in range(0, 100, 5)]
    long_descriptions = ["".join(descriptions[k:k + 4]) for k in range(0, 40, 4)]
    for some_bios, some_descriptions in ((bios[:60], descriptions[:30]), (long_bios, long_descriptions)):
        for b in some_descriptions:
            index = Substrings(b)
            for a in some_bios:
                assert _phrases(a, index, 8) == oracle(a, b), (a, b)
    # Japanese bios share several phrases with Japanese descriptions: many rounds, all the way to 3 × limit.
    assert max(len(oracle(a, b)) for a in long_bios for b in long_descriptions) >= 8


def test_shared_terms_are_unchanged(generated, monkeypatch):
    pool, _bios, _descriptions = generated
    scorer = SkillMapScorer(skill_codes()).fit(pool.professionals)
    rows = [(j, i) for j in range(12) for i in range(0, 300, 15)]
    new = [SharedTerms(scorer.tfidf_, scorer.expander_, pool.roles.descriptions[j])(pool.professionals.bios[i])
           for j, i in rows]
    monkeypatch.setattr(SharedTerms, "substrings", None)
    monkeypatch.setattr(SharedTerms, "phrases", lambda self, raw_a, limit: oracle(raw_a, self.raw_b, limit))
    old = [SharedTerms(scorer.tfidf_, scorer.expander_, pool.roles.descriptions[j])(pool.professionals.bios[i])
           for j, i in rows]
    assert new == old and sum(map(bool, new)) > len(rows) // 4

"""Benchmark the shared phrases of a bio and a role description (`SharedTerms`, the "shared terms" of each
candidate on a suggestion page) against the difflib version it replaced, in the same run; prints one JSON object.

Data: a seeded generated pool (`make_pool`); the TF-IDF and glossary of a scorer fitted on its professionals.
Two sets, each 10 bios × N descriptions, explained the way a suggestion page does (one `SharedTerms` per
description, then each bio): "generated", the bios and descriptions as generated (bios of about 30–320
characters, descriptions 110–150); "long", each bio joined from 5 generated bios and each description from 4
(about 400–800 and 500–570 characters: the upper end of real ones, which are 100–800). The JSON gives each set's
[shortest, mean, longest] lengths.

Baseline: `SharedTerms` with the previous `_phrases`, difflib's `SequenceMatcher.find_longest_match` up to
3 × top times per bio over the bio blanked after each match (kept below as `difflib_phrases`). Measured:
`SharedTerms` as it is (a suffix automaton of the description, one walk per bio). Per-bio microseconds
include building the index of the description (shared by the 10 bios) and the rest of `SharedTerms.__call__`
(glossary, idf ranking), the same in both; `phrases_*` time `_phrases` alone on the same pairs (with
the description's index). Both answers
must be equal. Targets: `ratio = old_us / new_us` >= 3 on the generated set and >= 10 on the long one,
equal answers (exit status 1 when missed).

    python bench/bench_phrases.py [--descriptions 50] [--bios 10] [--seed 0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govtech.scoring import SkillMapScorer, skill_codes  # noqa: E402
from govtech.scoring.synthetic import make_pool  # noqa: E402
from govtech.scoring.text import _HIRAGANA, _SPLIT, SharedTerms, Substrings, _phrases  # noqa: E402


def difflib_phrases(a: str, matcher: SequenceMatcher, limit: int, min_len: int = 2) -> list[str]:
    """The previous `_phrases`: find_longest_match of the bio against the matcher's description, blank the
    match in the bio, again, up to 3 × limit times."""
    found: list[str] = []
    for _ in range(limit * 3):
        matcher.set_seq1(a)
        match = matcher.find_longest_match(0, len(a), 0, len(matcher.b))
        if match.size >= min_len:
            start, end = match.a, match.a + match.size
            for piece in (p.strip() for p in _SPLIT.split(a[start:end])):
                if len(piece) >= min_len and not _HIRAGANA.fullmatch(piece) and not any(piece in f for f in found):
                    found.append(piece)
            a = a[:start] + "\x00" * match.size + a[end:]
        else:
            break
    return found


class DifflibSharedTerms(SharedTerms):
    """`SharedTerms` as it was: the description indexed by a SequenceMatcher when it is created."""

    def __init__(self, tfidf, expander, description: str):
        super().__init__(tfidf, expander, description)
        self.matcher = SequenceMatcher(None, autojunk=False)
        self.matcher.set_seq2(self.raw_b)

    def phrases(self, raw_a: str, limit: int) -> list[str]:
        return difflib_phrases(raw_a, self.matcher, limit)


def explain_all(cls, scorer, descriptions, bios) -> list[list[str]]:
    """What a suggestion page does per role: one SharedTerms for the description, then each bio."""
    out = []
    for description in descriptions:
        shared = cls(scorer.tfidf_, scorer.expander_, description)
        out.extend(shared(bio) for bio in bios)
    return out


def phrases_all(index, phrases, scorer, descriptions, bios) -> list[list[str]]:
    """`_phrases` alone (as SharedTerms calls it, top 8) of every normalised bio against every description."""
    raw = [scorer.expander_(text).split(" | ")[0] for text in bios]
    out = []
    for description in descriptions:
        b = index(scorer.expander_(description).split(" | ")[0])
        out.extend(phrases(a, b, 8) for a in raw)
    return out


def matcher_of(b: str) -> SequenceMatcher:
    """difflib's index of a description, as the previous SharedTerms built it."""
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(b)
    return matcher


def best_of(repeat: int, runs: dict) -> tuple[dict, dict]:
    """(best seconds, last answer) of each named run, interleaved `repeat` times: the machine may be shared."""
    seconds, answers = {name: float("inf") for name in runs}, {}
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            answers[name] = run()
            seconds[name] = min(seconds[name], time.perf_counter() - started)
    return seconds, answers


def chars(texts) -> list[int]:
    """[shortest, mean, longest] length of the texts, in characters."""
    lengths = [len(t) for t in texts]
    return [min(lengths), round(sum(lengths) / len(lengths)), max(lengths)]


def measure(scorer, descriptions, bios, repeat: int) -> dict:
    """Per-bio microseconds of the old and new SharedTerms and _phrases, their ratios, whether answers agree."""
    runs = {
        "old": lambda: explain_all(DifflibSharedTerms, scorer, descriptions, bios),
        "new": lambda: explain_all(SharedTerms, scorer, descriptions, bios),
        "phrases_old": lambda: phrases_all(matcher_of, difflib_phrases, scorer, descriptions, bios),
        "phrases_new": lambda: phrases_all(Substrings, _phrases, scorer, descriptions, bios),
    }
    best_of(1, runs)  # warm-up: the idf of each phrase is remembered by the TF-IDF, for both versions alike
    seconds, answers = best_of(repeat, runs)
    pairs = len(descriptions) * len(bios)
    us = {name: round(s / pairs * 1e6, 1) for name, s in seconds.items()}
    return {
        "bio_chars": chars(bios), "description_chars": chars(descriptions), "pairs": pairs,
        "old_us": us["old"], "new_us": us["new"], "ratio": round(seconds["old"] / seconds["new"], 1),
        "phrases_old_us": us["phrases_old"], "phrases_new_us": us["phrases_new"],
        "phrases_ratio": round(seconds["phrases_old"] / seconds["phrases_new"], 1),
        "equal": answers["old"] == answers["new"] and answers["phrases_old"] == answers["phrases_new"],
        "with_phrases": sum(1 for terms in answers["new"] if terms),
    }


def main(argv=None) -> dict:
    """Run the benchmark and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--descriptions", type=int, default=50)
    parser.add_argument("--bios", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="best of N interleaved runs of each")
    args = parser.parse_args(argv)
    n, m = 2_000, args.descriptions * 4
    pool = make_pool(n, m, seed=args.seed)
    scorer = SkillMapScorer(skill_codes()).fit(pool.professionals)
    bios, descriptions = pool.professionals.bios, pool.roles.descriptions
    # The bios explained on one page are those of the candidates of one role: a mix of languages and topics.
    long_bios = [" ".join(bios[k * 5:(k + 1) * 5]) for k in range(args.bios)]
    long_descriptions = ["".join(descriptions[k * 4:(k + 1) * 4]) for k in range(args.descriptions)]
    figures = {
        "generated": measure(scorer, descriptions[:args.descriptions], bios[:args.bios], args.repeat),
        "long": measure(scorer, long_descriptions, long_bios, args.repeat),
        "repeat": args.repeat,
    }
    figures["targets_met"] = bool(figures["generated"]["ratio"] >= 3 and figures["long"]["ratio"] >= 10
                                  and figures["generated"]["equal"] and figures["long"]["equal"])
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    sys.exit(0 if main()["targets_met"] else 1)

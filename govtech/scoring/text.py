"""Text relevance between bios and role descriptions: normalisation, a bilingual glossary, char n-gram TF-IDF.

Character n-grams (`char_wb`) need no Japanese tokenizer. Bios may be English while roles are Japanese, and
n-grams do not cross languages, so both sides are expanded with a small glossary: every glossary term found
in a text appends its translation (domain terms such as 標準化 / standardisation, ガバメントクラウド / government cloud).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from heapq import heapify, heappop, heappush

from govtech.scoring.arrays import load_skill_map

# Domain terms beyond the skill names; (Japanese, English) pairs, several spellings allowed on each side.
EXTRA_GLOSSARY: tuple[tuple[str, str], ...] = (
    ("標準化", "standardisation"), ("標準化", "standardization"),
    ("基幹業務システム", "core system"), ("基幹業務システム", "core-system"),
    ("ガバメントクラウド", "government cloud"), ("クラウド", "cloud"),
    ("自治体", "municipality"), ("自治体", "municipalities"), ("自治体", "local government"),
    ("セキュリティ", "security"), ("インシデント", "incident"), ("監査", "audit"),
    ("個人情報", "personal data"), ("プライバシー", "privacy"), ("生成AI", "generative ai"),
    ("オープンデータ", "open data"), ("データ分析", "data analysis"), ("データ活用", "data utilisation"),
    ("調達", "procurement"), ("仕様書", "specification"), ("ベンダー", "vendor"),
    ("研修", "training"), ("人材育成", "capacity building"), ("アジャイル", "agile"),
    ("DX戦略", "dx strategy"), ("首長", "mayor"), ("オンライン申請", "online application"),
    ("行政手続", "administrative procedure"), ("ユーザー調査", "user research"),
    ("ネットワーク", "network"), ("EBPM", "evidence-based"), ("業務改革", "process reform"),
    ("サービスデザイン", "service design"), ("ローコード", "low-code"), ("プロジェクト管理", "project management"),
)


def normalize_text(text: str) -> str:
    """NFKC-normalise (full-width to half-width, compatibility characters) and lowercase."""
    return unicodedata.normalize("NFKC", text or "").lower()


def default_glossary() -> list[tuple[str, str]]:
    """Return the built-in (Japanese, English) domain terms used to bridge the two languages."""
    return list(EXTRA_GLOSSARY)


def skill_name_terms(codes=None) -> list[str]:
    """Japanese and English names of the skills in `codes` (default: the whole starter skill map)."""
    rows = [r for r in load_skill_map() if codes is None or r["code"] in set(codes)]
    return [r["name_ja"] for r in rows] + [r["name_en"] for r in rows]


def trie_pattern(terms) -> re.Pattern | None:
    """One regex matching any of `terms`, leftmost-longest, factored as a trie (much faster than a flat
    alternation when there are many terms)."""
    trie: dict = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        """Regex for the subtree under `node`; an optional group where a term may end."""
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return re.compile(build(trie)) if trie else None


class GlossaryExpander:
    """Normalise a text, remove `strip` terms, append the translation of every glossary term found in it.

    The scorer strips the skill map's own names: held skills are already scored by coverage, and a bio
    listing them would otherwise count them twice, drowning the background experience that only the text
    tells (measured on the graded synthetic set: NDCG@10 0.935 -> 0.967)."""

    def __init__(self, pairs, strip=()):
        self.strip_terms = {normalize_text(t) for t in strip if t}
        table: dict[str, set[str]] = {}
        for ja, en in pairs:
            ja, en = normalize_text(ja), normalize_text(en)
            if ja and en and ja != en:
                table.setdefault(ja, set()).add(en)
                table.setdefault(en, set()).add(ja)
        self.table = {term: sorted(values) for term, values in table.items() if term not in self.strip_terms}
        self.pattern = trie_pattern(set(self.table) | self.strip_terms)

    def _scan(self, normalized: str) -> tuple[str, list[str]]:
        """(text with strip terms blanked, glossary terms found), matching leftmost-longest."""
        if self.pattern is None:
            return normalized, []
        found = []
        # findall plus str.replace is about twice as fast as re.sub with a Python callback.
        for term in self.pattern.findall(normalized):
            if term in self.strip_terms:
                normalized = normalized.replace(term, " ")
            else:
                found.append(term)
        return normalized, found

    def terms_in(self, normalized: str) -> list[str]:
        """Return the glossary terms (normalised) occurring in an already normalised text."""
        return self._scan(normalized)[1]

    def __call__(self, text: str) -> str:
        """Normalise `text`, blank the strip terms and append the translations of the glossary terms in it."""
        norm, found = self._scan(normalize_text(text))
        if not found:
            return norm
        extra = sorted({t for term in found for t in self.table[term]})
        return norm + " | " + " ".join(extra)


_SPLIT = re.compile(r"[|,.;:!?()\[\]「」『』、。・/]+")
_HIRAGANA = re.compile(r"[\u3040-\u309f]+")


class Substrings:
    """Suffix automaton of a text `b`: for any text `a`, the length of the longest substring of b ending at
    each position of a, in one walk over a (O(len(a)); difflib's find_longest_match is O(len(a) × matches)).

    States are lists indexed by state number: `_next[s]` its transitions (char -> state), `_link[s]` its
    suffix link, `_length[s]` the length of the longest substring it stands for."""

    __slots__ = ("text", "_next", "_link", "_length")

    def __init__(self, b: str):
        self.text = b
        nxt: list[dict[str, int]] = [{}]
        link, length = [-1], [0]
        last = 0
        for c in b:
            cur = len(length)
            nxt.append({})
            link.append(0)
            length.append(length[last] + 1)
            p = last
            while p != -1 and c not in nxt[p]:
                nxt[p][c] = cur
                p = link[p]
            if p != -1:
                q = nxt[p][c]
                if length[p] + 1 == length[q]:
                    link[cur] = q
                else:  # split q: a clone stands for the shorter substrings that now end in two places
                    clone = len(length)
                    nxt.append(dict(nxt[q]))
                    link.append(link[q])
                    length.append(length[p] + 1)
                    while p != -1 and nxt[p].get(c) == q:
                        nxt[p][c] = clone
                        p = link[p]
                    link[q] = link[cur] = clone
            last = cur
        self._next, self._link, self._length = nxt, link, length

    def match_ends(self, a: str) -> list[int]:
        """[length of the longest substring of b ending at a[i] for each i]."""
        nxt, link, length = self._next, self._link, self._length
        in_b = nxt[0]  # the root's transitions: every character of b
        out = []
        state = size = 0
        for c in a:
            if c not in in_b:
                state = size = 0
            else:
                to = nxt[state].get(c)
                if to is not None:
                    state, size = to, size + 1
                else:  # shorten the match from the left until c extends it (at the latest at the root)
                    while to is None:
                        state = link[state]
                        to = nxt[state].get(c)
                    state, size = to, length[state] + 1
            out.append(size)
        return out


def _phrases(a: str, b: Substrings, limit: int, min_len: int = 2) -> list[str]:
    """Longest common substrings of a and b, longest first, each used once.

    Each round takes the longest match, the earliest in a among equally long ones (what difflib's
    find_longest_match answered when this was built on it), then blanks it in a ("\\x00"); only a is
    blanked, so a phrase repeated in a may match the same part of b again: such repeats and pieces of a
    phrase already found are dropped.

    `ends[i]`, the longest match ending at a[i], comes from one walk of b's automaton and is then kept up to
    date instead of searched again: blanking a[s:e] sets it to 0 inside and caps it at i - e + 1 after (a
    match cannot cross the blank, and every part of a match is a match). The rounds pop the best (longest,
    then earliest end, which among equal lengths is the earliest start) from a heap; an entry whose length
    went down meanwhile is pushed back with its current length. Should b hold "\\x00", a blank could match
    it: then `ends` is walked anew over the blanked a after each round."""
    ends = b.match_ends(a)
    rewalk = "\x00" in b.text
    width, floor = len(a) + 1, max(min_len, 1)  # lengths below floor can never be taken

    def queue() -> list[int]:
        """Heap of (longest first, then earliest) positions, one int each: i - length × width."""
        keys = [i - n * width for i, n in enumerate(ends) if n >= floor]
        heapify(keys)
        return keys

    heap = queue()
    found: list[str] = []
    for _ in range(limit * 3):
        start = size = 0  # difflib's answer when nothing matches
        while heap:
            key = heappop(heap)
            i = key % width
            now = ends[i]
            if now == (i - key) // width:
                start, size = i - now + 1, now
                break
            if now >= floor:
                heappush(heap, i - now * width)
        if size < min_len:
            break
        end = start + size
        for piece in _SPLIT.split(a[start:end]):
            piece = piece.strip()
            # Pieces of only hiragana are grammar (して, います), not content.
            if len(piece) >= min_len and not _HIRAGANA.fullmatch(piece) and not any(piece in f for f in found):
                found.append(piece)
        if rewalk:
            a = a[:start] + "\x00" * size + a[end:]
            ends = b.match_ends(a)
            heap = queue()
            continue
        # Otherwise `a` is left as it is: no match takes a blanked character, whose ends stay 0.
        ends[start:end] = [0] * size
        for i in range(end, len(a)):
            if ends[i] <= i - end + 1:  # here and after (ends grow by 1 at most) no match reaches the blank
                break
            ends[i] = i - end + 1
    return found


class SharedTerms:
    """`shared_terms` of many bios against one description, which is normalised and indexed once."""

    def __init__(self, tfidf, expander: GlossaryExpander, description: str):
        self.tfidf, self.expander = tfidf, expander
        b = expander(description)
        self.raw_b = b.split(" | ")[0]  # without the appended translations
        self.terms_b = set(expander.terms_in(b))

    @cached_property
    def substrings(self) -> Substrings:
        """The description's suffix automaton, built on first use."""
        return Substrings(self.raw_b)

    def phrases(self, raw_a: str, limit: int) -> list[str]:
        """`_phrases` of a normalised bio (without its appended translations) against the description."""
        return _phrases(raw_a, self.substrings, limit)

    def __call__(self, bio: str, top: int = 8) -> list[str]:
        """Best-effort readable overlap of a bio and the description, in the description's wording.

        First the glossary terms both texts mention (in either language), then the longest common phrases
        ranked by how informative their n-grams are (idf); phrases of only very common n-grams are dropped."""
        a = self.expander(bio)
        raw_a = a.split(" | ")[0]
        both = set(self.expander.terms_in(a)) & self.terms_b
        picked: list[str] = []
        for term in sorted((t for t in both if t in self.raw_b), key=len, reverse=True):
            if not any(term in longer for longer in picked):
                picked.append(term)
        scored = []
        for phrase in self.phrases(raw_a, top):
            info = self.tfidf.information(phrase)
            if info > 0 and not any(phrase in longer or longer in phrase for longer in picked):
                scored.append((-info, phrase))
        picked += [phrase for _, phrase in sorted(scored)]
        return picked[:top]


"""A vectorised character n-gram TF-IDF, equivalent to sklearn's TfidfVectorizer(analyzer="char_wb").

Why not sklearn's own: its analyzer builds every n-gram as a Python string and counts them in a Python
dict, about 10 s for 50,000 bios. Here the corpus becomes one array of character ids (the alphabet seen at
fit time), every n-gram (n <= 3) one integer key, and counting is a single numpy sort of (key, document)
pairs, whatever the size of the vocabulary. The vocabulary, the smooth idf (log((1 + n) / (1 + df)) + 1),
sublinear tf and L2 normalisation match sklearn; the tests check the equality.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

_WORD, _DOC = 0, 1  # separators (control characters never reach the corpus)


def _codepoints(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (code points, doc index) of all texts as char_wb words: ' word ' separated by markers."""
    words = [" \x00 ".join(t.replace("\x00", " ").replace("\x01", " ").split()) for t in texts]
    docs = [" " + w + " \x01" if w else "\x01" for w in words]
    cps = np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    doc = np.repeat(np.arange(len(docs), dtype=np.int64), [len(d) for d in docs])
    return cps, doc


def _keys(ids: np.ndarray, bad_char: np.ndarray, doc: np.ndarray, ngram_range, bits: int, doc_bits: int = 0):
    """(doc, key) of every n-gram: `bits` per character id, unused slots filled with all ones. With doc_bits:
    (None, key << doc_bits | doc), one array to select and sort instead of two (fitting a large corpus)."""
    m = len(doc)
    ids = np.concatenate([ids, [0, 0]])  # so that every position has two followers
    bad_char = np.concatenate([bad_char, [True, True]])
    docs, keys = [], []
    # In-place steps on a few buffers: fresh 100 MB temporaries cost more in page faults than the math.
    prefix, part, bad = np.zeros(m, np.int64), np.empty(m, np.int64), np.zeros(m, bool)
    good = np.empty(m, bool)
    for k in range(ngram_range[1]):
        # The (k+1)-gram at each position: the k-gram prefix plus the next character in slot k.
        np.left_shift(ids[k:k + m], bits * (2 - k), out=part)
        np.bitwise_or(prefix, part, out=prefix)
        np.logical_or(bad, bad_char[k:k + m], out=bad)
        if k + 1 >= ngram_range[0]:
            np.logical_not(bad, out=good)
            fill = (1 << (bits * (2 - k))) - 1
            np.bitwise_or(prefix, fill, out=part)
            if doc_bits:
                np.left_shift(part, doc_bits, out=part)
                np.bitwise_or(part, doc, out=part)
            else:
                docs.append(doc[good])
            keys.append(part[good])
    return (np.concatenate(docs) if docs else None), np.concatenate(keys)


def _packable(bits: int, doc_bits: int) -> bool:
    """An n-gram key (3 character ids) and a document number fit together in one int64."""
    return 3 * bits + doc_bits <= 63


def _count(doc, key, n_docs: int, bits: int, dtype) -> tuple[np.ndarray, sp.csc_matrix]:
    """(sorted vocabulary keys, (n_docs, V) CSC count matrix) from the (doc, key) of every n-gram."""
    doc_bits = max(1, n_docs.bit_length())
    if doc is None or _packable(bits, doc_bits):
        # One sort of packed (key, doc) pairs gives vocabulary, counts and a column-sorted matrix at once.
        pairs = (key << doc_bits) | doc if doc is not None else key  # packed already by _keys
        pairs.sort()
        first = np.concatenate([[True], pairs[1:] != pairs[:-1]]) if len(pairs) else np.zeros(0, bool)
        counts = np.diff(np.append(np.flatnonzero(first), len(pairs)))
        pair_key, pair_doc = pairs[first] >> doc_bits, pairs[first] & ((1 << doc_bits) - 1)
    else:  # an alphabet too large to pack: a two-key sort, slower but the same result
        order = np.lexsort((doc, key))
        pair_key, pair_doc = key[order], doc[order]
        first = np.concatenate([[True], (pair_key[1:] != pair_key[:-1]) | (pair_doc[1:] != pair_doc[:-1])])
        counts = np.diff(np.append(np.flatnonzero(first), len(order))) if len(order) else np.zeros(0, int)
        pair_key, pair_doc = pair_key[first], pair_doc[first]
    new_col = np.concatenate([[True], pair_key[1:] != pair_key[:-1]]) if len(pair_key) else np.zeros(0, bool)
    indptr = np.append(np.flatnonzero(new_col), len(pair_key))
    matrix = sp.csc_matrix((counts.astype(dtype), pair_doc, indptr), shape=(n_docs, int(new_col.sum())))
    return pair_key[new_col], matrix


def _l2_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row of a CSR matrix to unit L2 norm in place (empty rows stay empty), as
    sklearn.preprocessing.normalize does, squares summed in the data's precision (not imported: scikit-learn
    loads scipy.stats, 0.5 s of every start-up)."""
    counts = np.diff(matrix.indptr)
    filled = counts > 0
    norms = np.ones(matrix.shape[0], dtype=matrix.data.dtype)
    if filled.any():
        # Consecutive non-empty rows' starts bound exactly their own entries (empty rows hold none).
        norms[filled] = np.sqrt(np.add.reduceat(np.square(matrix.data), matrix.indptr[:-1][filled]))
    norms[norms == 0] = 1
    matrix.data /= np.repeat(norms, counts)
    return matrix


class CharNgramTfidf:
    """Char_wb n-gram TF-IDF with sublinear tf, smooth idf and L2 rows; fit on one corpus, transform others."""

    def __init__(self, ngram_range=(2, 3), min_df=1, max_df=1.0, dtype=np.float32):
        self.ngram_range = tuple(ngram_range)
        self.min_df = min_df
        self.max_df = max_df
        self.dtype = dtype

    def _ids(self, cps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Character ids of code points, and a mask of characters no n-gram may contain."""
        if len(self.alphabet_) == 0:
            return np.zeros(len(cps), np.int64), np.ones(len(cps), bool)
        idx = np.minimum(np.searchsorted(self.alphabet_, cps), len(self.alphabet_) - 1)
        unknown = self.alphabet_[idx] != cps
        return idx, unknown | (cps <= _DOC)

    def _doc_keys(self, texts):
        """(doc, key) of every n-gram of `texts` over the fitted alphabet."""
        cps, doc = _codepoints(list(texts))
        ids, bad = self._ids(cps)
        return _keys(ids, bad, doc, self.ngram_range, self.bits_)

    def fit_transform(self, texts: list[str]) -> sp.csr_matrix:
        """Learn the alphabet, vocabulary and idf from `texts`; return their TF-IDF rows."""
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi <= 3:
            raise ValueError("ngram_range must lie within (1, 3)")
        texts = list(texts)
        cps, doc = _codepoints(texts)
        self.alphabet_ = np.flatnonzero(np.bincount(cps)) if len(cps) else cps  # sorted distinct code points
        # Enough bits for every id plus the all-ones filler of unused slots.
        self.bits_ = max(1, int(len(self.alphabet_) + 1).bit_length())
        ids, bad = self._ids(cps)
        doc_bits = max(1, len(texts).bit_length())  # as _count packs
        packed = doc_bits if _packable(self.bits_, doc_bits) else 0
        doc, key = _keys(ids, bad, doc, self.ngram_range, self.bits_, doc_bits=packed)
        vocab, matrix = _count(doc, key, len(texts), self.bits_, self.dtype)
        df = np.diff(matrix.indptr)
        max_count = self.max_df if isinstance(self.max_df, int) else self.max_df * len(texts)
        min_count = self.min_df if isinstance(self.min_df, int) else self.min_df * len(texts)
        keep = np.flatnonzero((df >= min_count) & (df <= max_count))
        self.vocabulary_keys_ = vocab[keep]
        self.idf_ = (np.log((1.0 + len(texts)) / (1.0 + df[keep])) + 1.0).astype(self.dtype)
        return self._weight(matrix[:, keep].tocsr())

    def fit(self, texts: list[str]) -> CharNgramTfidf:
        """Learn the vocabulary and idf from `texts`."""
        self.fit_transform(texts)
        return self

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """Return TF-IDF rows of `texts` over the fitted vocabulary (unknown n-grams are ignored)."""
        texts = list(texts)
        doc, key = self._doc_keys(texts)
        vocab = self.vocabulary_keys_
        col = np.minimum(np.searchsorted(vocab, key), max(len(vocab) - 1, 0))
        hit = vocab[col] == key if len(vocab) else np.zeros(len(key), bool)
        counts = sp.csr_matrix((np.ones(int(hit.sum()), self.dtype), (doc[hit], col[hit])),
                               shape=(len(texts), len(vocab)))
        counts.sum_duplicates()
        return self._weight(counts)

    def _weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Apply sublinear tf, idf and L2 row normalisation to a count matrix."""
        out = counts.tocsr().astype(self.dtype)
        out.data = (1.0 + np.log(out.data)) * self.idf_[out.indices]
        return _l2_rows(out) if min(out.shape) else out

    def analyze_keys(self, text: str) -> np.ndarray:
        """Return the distinct n-gram keys of one text (see `decode`)."""
        return np.unique(self._doc_keys([text])[1])

    def idf_for_keys(self, keys: np.ndarray) -> np.ndarray:
        """Return the idf of each key, 0 for n-grams outside the vocabulary."""
        vocab = self.vocabulary_keys_
        if len(vocab) == 0:
            return np.zeros(len(keys))
        col = np.minimum(np.searchsorted(vocab, keys), len(vocab) - 1)
        return np.where(vocab[col] == keys, self.idf_[col], 0.0)

    def information(self, text: str) -> float:
        """Sum of the idf of a text's distinct n-grams (0 when none is in the vocabulary): how informative a
        phrase is. Remembered per text (explanations meet the same phrases again and again; bounded)."""
        cache = self.__dict__.setdefault("_information", {})
        value = cache.get(text)
        if value is None:
            if len(cache) >= 100_000:
                cache.clear()
            value = cache[text] = float(self.idf_for_keys(self.analyze_keys(text)).sum())
        return value

    def decode(self, key: int) -> str:
        """Turn an n-gram key back into its string."""
        mask = (1 << self.bits_) - 1
        ids = [(int(key) >> (self.bits_ * (2 - k))) & mask for k in range(3)]
        return "".join(chr(self.alphabet_[i]) for i in ids if i != mask)

    def feature_names(self, columns) -> list[str]:
        """Return the n-gram strings of vocabulary columns."""
        return [self.decode(self.vocabulary_keys_[c]) for c in columns]

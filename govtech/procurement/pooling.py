"""Suggest joint-procurement pools: the same need, filed by different municipalities, in one fiscal year.

Pure numpy / scipy / scikit-learn, vectorised. (1) Normalise text: NFKC (full-width and half-width forms
fold together), lower case, a bilingual glossary giving product names and key terms one spelling
(``ﾏｲｸﾛｿﾌﾄ365``, ``M365``, ``Office 365`` -> ``microsoft365``), boilerplate and quantities removed.
(2) Vectorise title + description: char n-gram TF-IDF (``char_wb``: no Japanese tokenizer needed), a
half-weight block of whole terms (short acronyms such as EDR would otherwise drown among a sentence's
n-grams) and a light category block (``other`` carries no signal, so wrong categories cost little).
(3) Per fiscal year, link each request to its mutual top-k cosine neighbours above ``threshold``; split
every connected component by average linkage at the same threshold (a chain A~B~C with A!~C is cut);
repeat on group means so that needs with more than k near-identical requests still merge.
(4) Clusters spanning >= 2 municipalities become pools, ranked by estimated savings. Requests are
sorted by id first, so the result does not depend on input order.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from govtech.procurement.savings import VolumeDiscountCurve, curve_for_category, estimate_pool_savings

DEFAULT_THRESHOLD = 0.35
TOP_K = 20
NGRAM_RANGE = (1, 3)
TERM_WEIGHT = 0.5  # whole terms (product names, acronyms like EDR/MDM) next to the character n-grams
CATEGORY_WEIGHT = 0.3
# Requests naming different products and none in common are different needs (Zoom vs Webex, Microsoft 365
# vs Google Workspace) however alike the rest of their wording; extend with the market's product names.
PRODUCT_NAMES = frozenset({"microsoft365", "google", "zoom", "teams", "webex", "lineworks", "slack", "kintone",
                           "acrobat", "chatgpt", "copilot", "box", "winactor", "tableau", "logo", "salesforce"})
VAGUE_CATEGORIES = frozenset({"", "other"})
MAX_DENSE = 3000  # rows; larger components are not densified for average linkage
CHUNK_CELLS = 8_000_000  # dense similarity cells per chunk (about 32 MB of float32)

# Applied in order after NFKC + lower case: product names to one spelling, then English procurement
# vocabulary (longer phrases first) to the Japanese most officers write. Extend as new wording appears.
GLOSSARY: tuple[tuple[str, str], ...] = (
    (r"(?<![a-z0-9])(?:マイクロソフト|microsoft|ms|m|office|o)\s*365", "microsoft365"),
    (r"マイクロソフト", "microsoft"), (r"グーグル", "google"), (r"g\s*suite", "google workspace"),
    (r"ワークスペース", "workspace"), (r"ズーム", "zoom"), (r"チームズ", "teams"),
    (r"ウェ[ベブ]ックス|ウェブエックス", "webex"), (r"ライン\s*ワークス|line\s*works", "lineworks"),
    (r"キントーン", "kintone"), (r"アドビ", "adobe"), (r"アクロバット", "acrobat"), (r"ai\s*-?\s*ocr", "ai-ocr"),
    (r"ロボティック.?プロセス.?オートメーション", "rpa"), (r"chat\s*gpt|チャットgpt", "chatgpt"),
    (r"e\s*-?\s*ラーニング|イーラーニング|e\s*-?\s*learning", "eラーニング"), (r"ウィルス", "ウイルス"),
    (r"personal (?:data|information) protection", "個人情報保護"), (r"information security", "情報セキュリティ"),
    (r"generative\s*ai|\bllm\b|大規模言語モデル", "生成ai"), (r"anti-?virus", "ウイルス対策"),
    (r"online application|オンライン申請", "電子申請"), (r"application forms?", "申請書"),
    (r"mobile device management", "mdm"), (r"endpoint detection and response|エンドポイント検知.?対応", "edr"),
    (r"vulnerability (?:assessment|scan\w*)", "脆弱性診断"), (r"phishing|targeted[- ]attack", "標的型攻撃"),
    (r"wi-?fi|wireless lan", "無線lan"), (r"government cloud|ガバクラ", "ガバメントクラウド"),
    (r"business chat", "ビジネスチャット"), (r"meeting minutes|minutes", "議事録"), (r"low-?code", "ローコード"),
    (r"web meetings?|online meetings?|video conferenc\w*", "web会議"), (r"meeting rooms?", "会議室"),
    (r"speech-to-text|transcri\w*", "文字起こし"), (r"e-?signatures?", "電子署名"),
    (r"electronic contracts?|e-?contracts?", "電子契約"), (r"asset management", "資産管理"),
    (r"access points?", "アクセスポイント"), (r"operation-?logs?", "操作ログ"), (r"paid plan", "有償プラン"),
    (r"licen[cs]es?|subscriptions?|サブスクリプション", "ライセンス"), (r"smartphones?|スマホ", "スマートフォン"),
    (r"handwrit\w*", "手書き"), (r"security", "セキュリティ"), (r"training", "研修"), (r"drills?", "訓練"),
    (r"forms?", "フォーム"), (r"tools?|builder", "ツール"), (r"services?", "サービス"), (r"software", "ソフト"),
    (r"devices?", "端末"), (r"monitoring", "監視"), (r"contracts?", "契約書"), (r"cloud", "クラウド"),
    (r"chat", "チャット"), (r"meetings?", "会議"), (r"operations?", "運用"), (r"management", "管理"),
    (r"summar\w*", "要約"), (r"drafting", "文書作成"), (r"apps?", "アプリ"), (r"e-?mails?", "メール"),
    (r"digital", "デジタル"), (r"data", "データ"), (r"basics?|basic", "基礎"), (r"literacy", "リテラシー"),
    (r"residents?", "住民"), (r"payments?", "決済"), (r"online", "オンライン"), (r"editing", "編集"),
    (r"tablets?", "タブレット"), (r"official", "公用"), (r"websites?", "webサイト"), (r"counters?", "窓口"),
    (r"digiti[sz]e\w*", "データ化"), (r"speech|voice", "音声"), (r"remote lock", "遠隔ロック"),
    (r"disaster", "災害"), (r"replacement", "更新"), (r"support", "支援"), (r"ウェブ", "web"),
    (r"読み?取り?", "読取"), (r"ホームページ", "webサイト"),
)
# Procurement boilerplate and bare quantities: shared by unrelated needs, so they only add noise.
BOILERPLATE = (
    r"令和\s*\d+\s*年度|r\s*\d+\s*年度|fy\s*\d{2,4}|\d{4}\s*年度|年度|一式|調達|導入|更新|年間|利用|契約(?!書)"
    r"|(?<![a-z0-9])\d[\d,.]*(?![a-z0-9])"
    r"|\b(?:annual|renewal|for|the|and|of|with|to|a|an|on|in|all|staff|incl|e\.g|over|from|as|by|at)\b"
)
# Latin terms match whole words only ("chat" not inside "chatgpt"); the left edge is checked in
# normalize_text because a leading look-behind would disable the regex engine's fast prefix scan.
_GLOSSARY_RE = [(re.compile(rf"(?:{pattern})(?![a-z])"), f" {repl} ") for pattern, repl in GLOSSARY]
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz")
_PUNCT_RE = re.compile(r"[^\w\s\-]")
_BOILERPLATE_RE = re.compile(BOILERPLATE)
_TERM_RE = re.compile(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z0-9]*[ァ-ヴー]{2,}|[一-龯々]{2,}(?:[きしり](?![ぁ-ん]))?[a-z]*")


@dataclass(frozen=True)
class RequestRecord:
    """One municipality's submitted procurement request, as the pooling algorithm sees it."""

    id: str
    municipality: str
    category: str
    title: str
    description: str
    quantity: float
    unit: str
    budget_jpy: int
    fiscal_year: int
    desired_start: date | None = None


@dataclass
class PoolSuggestion:
    """A suggested pool: member request ids and why they belong together."""

    request_ids: list[str]
    category: str
    municipalities: list[str]
    total_quantity: float
    unit: str
    similarity: float
    shared_terms: list[str]
    estimated_savings_jpy: int
    per_request_similarity: dict[str, float]


def normalize_text(text: str) -> str:
    """NFKC, lower case, glossary spellings and boilerplate removal: the text the vectoriser sees."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    for pattern, repl in _GLOSSARY_RE:
        if pattern.search(text):  # most patterns do not occur: a search is cheaper than a sub
            text = pattern.sub(lambda m, r=repl: m[0] if m.start() and m.string[m.start() - 1] in _LATIN else r, text)
    return " ".join(_PUNCT_RE.sub(" ", _BOILERPLATE_RE.sub(" ", text)).split())


class _Features(NamedTuple):
    """Request vectors, plus which readable terms each request holds and their idf (for explanations)."""

    X: sparse.csr_matrix
    terms: sparse.csr_matrix
    vocab: np.ndarray
    idf: np.ndarray


def request_vectors(requests: Sequence[RequestRecord]) -> sparse.csr_matrix:
    """L2-normalised rows: char n-gram and term TF-IDF of title + description, and a light category block."""
    return _features(requests).X


def _features(requests: Sequence[RequestRecord]) -> _Features:
    """Vectorise requests once: char n-grams, whole terms, category; keep term presence for explanations."""
    n = len(requests)
    texts = [normalize_text(r.title) for r in requests] + [normalize_text(r.description) for r in requests]
    chars, _ = _tfidf(texts, analyzer="char_wb", ngram_range=NGRAM_RANGE)
    words, vocab = _tfidf(texts, analyzer=_term_list)
    chars, words = chars[:n] + chars[n:], words[:n] + words[n:]
    codes, col = np.unique([r.category for r in requests], return_inverse=True)
    weight = np.where(np.isin(codes, list(VAGUE_CATEGORIES)), 0.0, CATEGORY_WEIGHT)[col]
    weight *= np.diff(chars.indptr) > 0  # a request without text must not pool on its category alone
    onehot = sparse.csr_matrix((weight.astype(np.float32), (np.arange(n), col)), shape=(n, len(codes)))
    from sklearn.preprocessing import normalize  # with TfidfVectorizer: scikit-learn is imported when pooling

    X = normalize(sparse.hstack([normalize(chars), TERM_WEIGHT * normalize(words), onehot]))
    present = (words > 0).astype(np.float32).tocsr()
    idf = np.log1p(n / np.maximum(np.asarray(present.sum(axis=0)).ravel(), 1))
    return _Features(X.tocsr(), present, vocab, idf)


def _tfidf(texts: list[str], **options) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sublinear, L2-normalised TF-IDF rows and the feature names; empty when there are no features."""
    # Imported here, like scipy.cluster below: 0.2 s of every command's and worker's start-up otherwise.
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **options)
    try:
        return vec.fit_transform(texts).tocsr(), vec.get_feature_names_out()
    except ValueError:  # empty vocabulary (only blank or numeric texts): one all-zero feature
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32), np.array([""], dtype=object)


def _term_list(text: str) -> list[str]:
    """Word-like terms of an already normalised text: Latin words, katakana runs, kanji compounds."""
    return [t for t in _TERM_RE.findall(text) if not t.isdigit()]


def top_k_neighbours(X: sparse.csr_matrix, k: int = TOP_K, products=None) -> sparse.csr_matrix:
    """Sparse n×n matrix of each row's k largest cosine similarities to the others (conflicts count as 0)."""
    n = X.shape[0]
    k = min(k, n - 1)
    if k <= 0:
        return sparse.csr_matrix((n, n), dtype=np.float32)
    XT = X.T.tocsr()
    step = max(1, CHUNK_CELLS // n)
    rows, cols, vals = [], [], []
    for start in range(0, n, step):
        sims = (X[start : start + step] @ XT).toarray()
        m = sims.shape[0]
        if products is not None:
            sims[_conflicts(products[start : start + step], products)] = 0.0
        sims[np.arange(m), np.arange(start, start + m)] = -1.0  # never your own neighbour
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        rows.append(np.repeat(np.arange(start, start + m), k))
        cols.append(idx.ravel())
        vals.append(np.take_along_axis(sims, idx, axis=1).ravel())
    return sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))


def cluster_rows(X: sparse.csr_matrix, threshold: float, k: int = TOP_K, rounds: int = 4, products=None):
    """Clusters (arrays of row indices, size >= 2) of one fiscal year's request vectors.

    Each round links groups (at first single rows) to their mutual top-k neighbours by average-linkage
    similarity, then re-runs average linkage over the rows of each connected component. Later rounds let
    a need with more than k near-identical requests still join the other wordings of the same need.
    ``products`` (rows × product names, optional) makes requests naming different products dissimilar.
    """
    groups = [np.array([i]) for i in range(X.shape[0])]
    for _ in range(rounds):
        group_products = None if products is None else _group_means(products, groups)
        knn = top_k_neighbours(_group_means(X, groups), k, group_products)  # mean·mean: mean pairwise cosine
        knn.data[knn.data < threshold] = 0
        knn.eliminate_zeros()
        graph = knn.minimum(knn.T).tocsr()
        comps = _components(graph)
        touched = np.zeros(len(groups), bool)
        merged = []
        for comp in comps:
            touched[comp] = True
            merged += _merge(X, products, groups, comp, threshold)
        if len(merged) == touched.sum():  # nothing changed
            break
        groups = merged + [g for g, t in zip(groups, touched, strict=True) if not t]
    return sorted((np.sort(g) for g in groups if len(g) > 1), key=lambda g: g[0])


def _conflicts(A: sparse.csr_matrix, B: sparse.csr_matrix) -> np.ndarray:
    """Pairs where both name products but none in common (Zoom vs Webex): never the same need."""
    return np.outer(A.getnnz(axis=1) > 0, B.getnnz(axis=1) > 0) & ((A @ B.T).toarray() == 0)


def _group_means(X: sparse.csr_matrix, groups: list[np.ndarray]) -> sparse.csr_matrix:
    """Row means of X over each group of row indices."""
    sizes = np.array([len(g) for g in groups])
    agg = sparse.csr_matrix(
        (np.repeat(1.0 / sizes, sizes).astype(np.float32), (np.repeat(np.arange(len(groups)), sizes),
                                                             np.concatenate(groups))),
        shape=(len(groups), X.shape[0]),
    )
    return (agg @ X).tocsr()


def _components(graph: sparse.csr_matrix) -> list[np.ndarray]:
    """Connected components with at least two nodes."""
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return [c for c in np.split(order, bounds) if len(c) > 1]


def _merge(X, products, groups: list[np.ndarray], comp: np.ndarray, threshold: float) -> list[np.ndarray]:
    """Average linkage over all rows of a component of groups (left as it is when too large to densify)."""
    rows = np.concatenate([groups[g] for g in comp])
    if len(rows) > MAX_DENSE:  # far beyond real volumes (62 municipalities): bound memory, keep the groups
        return [groups[g] for g in comp]
    return _average_linkage(X, rows, threshold, products)


def _average_linkage(X: sparse.csr_matrix, rows: np.ndarray, threshold: float, products=None):
    """Partition rows by average linkage on their full cosine similarity matrix, cut at ``threshold``."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    sims = (X[rows] @ X[rows].T).toarray()
    if products is not None:
        sims[_conflicts(products[rows], products[rows])] = 0.0
    dist = np.clip(1.0 - sims, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    labels = fcluster(linkage(squareform(dist, checks=False), "average"), 1.0 - threshold, "distance")
    order = np.argsort(labels, kind="stable")
    return np.split(rows[order], np.flatnonzero(np.diff(labels[order])) + 1)


def suggest_pools(
    requests: Sequence[RequestRecord],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    curve: VolumeDiscountCurve | Mapping[str, VolumeDiscountCurve] | None = None,
    top_k: int = TOP_K,
) -> list[PoolSuggestion]:
    """Pools of the same need across >= 2 municipalities per fiscal year, best estimated savings first."""
    reqs = sorted(requests, key=lambda r: str(r.id))
    if len({str(r.id) for r in reqs}) != len(reqs):
        raise ValueError("request ids must be unique")
    if len(reqs) < 2:
        return []
    feats = _features(reqs)
    products = feats.terms[:, np.flatnonzero(np.isin(feats.vocab, list(PRODUCT_NAMES)))].tocsr()
    fiscal_years = np.array([r.fiscal_year for r in reqs])
    pools = []
    for fy in np.unique(fiscal_years):
        rows = np.flatnonzero(fiscal_years == fy)
        for cluster in cluster_rows(feats.X[rows], threshold, top_k, products=products[rows]):
            members = rows[cluster]
            if len({reqs[i].municipality for i in members}) >= 2:
                pools.append(_suggestion(reqs, members, feats, curve))
    pools.sort(key=lambda p: (-p.estimated_savings_jpy, -len(p.request_ids), p.request_ids[0]))
    return pools


def _suggestion(reqs: Sequence[RequestRecord], rows: np.ndarray, feats: _Features, curve) -> PoolSuggestion:
    """Describe one cluster: totals, similarities, shared terms and the savings estimate."""
    members = [reqs[i] for i in rows]
    sims = (feats.X[rows] @ feats.X[rows].T).toarray().astype(float)
    per = (sims.sum(axis=1) - sims.diagonal()) / (len(rows) - 1)
    category = _majority([r.category for r in members], avoid=VAGUE_CATEGORIES)
    if not isinstance(curve, VolumeDiscountCurve):  # None, or a mapping of category code -> curve
        curve = (curve or {}).get(category) or curve_for_category(category)
    savings = estimate_pool_savings([r.budget_jpy for r in members], [r.quantity for r in members], curve)
    return PoolSuggestion(
        request_ids=[str(r.id) for r in members],
        category=category,
        municipalities=sorted({r.municipality for r in members}),
        total_quantity=float(sum(r.quantity for r in members)),
        unit=_majority([unicodedata.normalize("NFKC", r.unit or "") for r in members]),
        similarity=round(float(per.mean()), 4),
        shared_terms=_shared_terms(feats, rows),
        estimated_savings_jpy=savings,
        per_request_similarity={str(r.id): round(float(s), 4) for r, s in zip(members, per, strict=True)},
    )


def _shared_terms(feats: _Features, rows: np.ndarray, top: int = 6) -> list[str]:
    """Terms at least half the members (and two) share, rarest in the batch first: why they look alike."""
    counts = np.asarray(feats.terms[rows].sum(axis=0)).ravel()
    keep = np.flatnonzero(counts >= max(2, math.ceil(len(rows) / 2)))
    score = counts[keep] / len(rows) * feats.idf[keep]
    order = sorted(range(len(keep)), key=lambda j: (-score[j], feats.vocab[keep[j]]))
    return [str(feats.vocab[keep[j]]) for j in order[:top]]


def _majority(values: list[str], avoid: frozenset[str] = frozenset()) -> str:
    """Most common value, preferring values outside ``avoid``; ties go to the alphabetically first."""
    counts = Counter(values)
    return min(counts, key=lambda v: (v in avoid, -counts[v], v))

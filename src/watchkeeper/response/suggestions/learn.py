"""The local model: TF-IDF features of incident text (word and character n-grams), a
cosine-similarity index of resolved incidents, and one linear classifier per field.

Pure code on values: no database, no clock. scikit-learn because it is small, well kept,
has no model to download, and trains a team's history in seconds on one core."""

from __future__ import annotations

import pickle
import warnings
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer, strip_accents_unicode
from sklearn.linear_model import SGDClassifier
from sklearn.preprocessing import normalize

FIELDS = ("category_id", "impact", "urgency")
# A field is guessed once this many closed incidents carry it, in at least two values.
MIN_EXAMPLES = 5
# The most recent resolved incidents searched for similar ones: it bounds the stored
# index (and so the model row) whatever the history's size.
INDEX_LIMIT = 20_000
QUERY_TERMS = 128
FORMAT = 1


@dataclass(frozen=True)
class Example:
    """One past incident: its text, whether it is searched as a similar one, its labels
    (None: unknown), and its weight (higher when a person confirmed the labels)."""

    id: int
    text: str
    labels: Mapping[str, int | None] = field(default_factory=dict)
    searchable: bool = True
    weight: float = 1.0


@dataclass(frozen=True)
class Guess:
    value: int
    confidence: float


@dataclass(frozen=True)
class Linear:
    """A fitted one-vs-rest logistic classifier, kept as its weights: smaller to store
    and faster to apply than the estimator it came from."""

    classes: np.ndarray[Any, Any]
    weights: np.ndarray[Any, Any]  # features x classes, contiguous for the product
    intercept: np.ndarray[Any, Any]

    @classmethod
    def of(cls, fitted: SGDClassifier) -> Linear:
        weights = np.ascontiguousarray(fitted.coef_.T, dtype=np.float32)
        return cls(fitted.classes_, weights, fitted.intercept_)

    def best(self, vector: sparse.csr_matrix) -> Guess:
        """The likeliest class and its probability, as `predict_proba` gives them."""
        scores = np.asarray(vector @ self.weights).ravel() + self.intercept
        chance = 1.0 / (1.0 + np.exp(-scores))
        if len(self.classes) == 2:
            chance = np.array([1.0 - chance[0], chance[0]])
        else:
            chance = chance / chance.sum()
        top = int(np.argmax(chance))
        return Guess(int(self.classes[top]), round(float(chance[top]), 4))


@dataclass(frozen=True)
class Neighbour:
    incident_id: int
    score: float


# Character n-grams catch what words miss (`db-1`/`db-2`, `timeout`/`timeouts`) but cost
# the most to compute, so they read only the head of the text: title, service, alerts.
CHAR_HEAD = 300
CHAR_NGRAMS = (3, 4)
# Classifiers learn from the most recent labelled incidents only: the team's current
# categories, and a training time that does not grow with the history.
CLASSIFIER_LIMIT = 20_000


def _head(text: str) -> str:
    head: str = strip_accents_unicode(text[:CHAR_HEAD].lower())
    return head


def _features(size: int) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    # Rare terms are noise in a large history and cost memory; in a small one they are
    # all there is.
    common: dict[str, Any] = {
        "sublinear_tf": True,
        "min_df": 2 if size >= 5_000 else 1,
        "max_features": 100_000,
        "dtype": np.float32,
    }
    words = TfidfVectorizer(ngram_range=(1, 2), strip_accents="unicode", **common)
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, preprocessor=_head, **common
    )
    return words, chars


class Model:
    """A trained model; `dumps`/`loads` turn it into the bytes the database keeps."""

    def __init__(
        self,
        features: tuple[TfidfVectorizer, TfidfVectorizer],
        index_ids: np.ndarray[Any, Any],
        index: sparse.csc_matrix,
        classifiers: Mapping[str, Linear | int],
        counts: Mapping[str, int],
    ) -> None:
        self.features = features
        self.index_ids = index_ids
        self.index = index
        self.classifiers = dict(classifiers)
        self.counts = dict(counts)

    def vector(self, text: str) -> sparse.csr_matrix:
        return _join([f.transform([text]) for f in self.features])

    def similar(
        self, vector: sparse.csr_matrix, *, k: int = 5, exclude: int | None = None
    ) -> list[Neighbour]:
        """The `k` indexed incidents nearest by cosine similarity, best first; ties go to
        the more recent (higher id). Nothing with no word or n-gram in common.

        Only the query's QUERY_TERMS strongest terms are looked up (the rarest, whose
        postings are short): the score is the cosine over those, exact for a short
        text, and a lookup reads a few postings instead of the whole index."""
        if self.index.shape[0] == 0 or vector.nnz == 0:
            return []
        columns, weights = vector.indices, vector.data
        if len(columns) > QUERY_TERMS:
            strongest = np.argpartition(-weights, QUERY_TERMS)[:QUERY_TERMS]
            columns, weights = columns[strongest], weights[strongest]
        scores = np.asarray(self.index[:, columns] @ weights).ravel()
        if exclude is not None:
            scores[self.index_ids == exclude] = 0.0
        take = min(k, int(np.count_nonzero(scores > 0)))
        if take == 0:
            return []
        top = np.argpartition(-scores, take - 1)[:take]
        order = sorted(top, key=lambda i: (-scores[i], -int(self.index_ids[i])))
        return [Neighbour(int(self.index_ids[i]), round(float(scores[i]), 4)) for i in order]

    def guess(self, vector: sparse.csr_matrix) -> dict[str, Guess]:
        """The most likely value of each field the model learned, with its probability."""
        found: dict[str, Guess] = {}
        for name, classifier in self.classifiers.items():
            if isinstance(classifier, int):
                found[name] = Guess(classifier, 1.0)
            else:
                found[name] = classifier.best(vector)
        return found

    def dumps(self) -> bytes:
        state = (FORMAT, self.features, self.index_ids, self.index, self.classifiers, self.counts)
        return zlib.compress(pickle.dumps(state, protocol=5), level=1)

    @classmethod
    def loads(cls, blob: bytes) -> Model:
        # Only ever bytes this installation's engine wrote into its own database.
        version, features, ids, index, classifiers, counts = pickle.loads(zlib.decompress(blob))
        if version != FORMAT:
            raise ValueError(f"model format {version}, expected {FORMAT}")
        return cls(features, ids, index, classifiers, counts)


def train(examples: Sequence[Example], *, index_limit: int = INDEX_LIMIT, seed: int = 0) -> Model:
    """Fit the features on every example, index the searchable ones (the first
    `index_limit`: pass the most recent first), and learn each field that has enough
    labelled examples (from the first CLASSIFIER_LIMIT of them)."""
    features = _features(len(examples))
    texts = [example.text for example in examples]
    matrix = _join([f.fit_transform(texts) for f in features])
    rows = [i for i, example in enumerate(examples) if example.searchable][:index_limit]
    index = matrix[rows] if rows else sparse.csr_matrix((0, matrix.shape[1]), dtype=np.float32)
    ids = np.array([examples[i].id for i in rows], dtype=np.int64)
    classifiers: dict[str, Linear | int] = {}
    counts: dict[str, int] = {}
    for name in FIELDS:
        labelled = [i for i, e in enumerate(examples) if e.labels.get(name) is not None]
        counts[name] = len(labelled)
        labelled = labelled[:CLASSIFIER_LIMIT]
        if len(labelled) < MIN_EXAMPLES:
            continue
        labels = np.array([examples[i].labels[name] for i in labelled])
        if len(set(labels.tolist())) == 1:
            classifiers[name] = int(labels[0])
            continue
        weights = np.array([examples[i].weight for i in labelled])
        with warnings.catch_warnings():
            # The passes are bounded on purpose (see _classifier): not converging to the
            # last decimal is expected, not news.
            warnings.simplefilter("ignore", ConvergenceWarning)
            fitted = _classifier(seed, len(labelled)).fit(
                matrix[labelled], labels, sample_weight=weights
            )
        classifiers[name] = Linear.of(fitted)
    # By column: a lookup reads the postings of the query's terms only.
    return Model(features, ids, index.astype(np.float32).tocsc(), classifiers, counts)


def _join(parts: list[sparse.spmatrix]) -> sparse.csr_matrix:
    """Words and characters side by side, scaled to unit length for cosine similarity."""
    joined: sparse.csr_matrix = normalize(sparse.hstack(parts, format="csr"))
    return joined


def _classifier(seed: int, size: int) -> SGDClassifier:
    """Logistic regression by stochastic gradient descent: probabilities for the
    confidence, and time linear in the examples. The passes shrink as the examples grow
    (about 200,000 updates per class), since a large history converges sooner."""
    return SGDClassifier(
        loss="log_loss",
        alpha=1e-5,
        max_iter=max(5, min(50, 200_000 // max(size, 1))),
        tol=1e-4,
        random_state=seed,
        n_jobs=1,
    )

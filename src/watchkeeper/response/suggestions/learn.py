"""The local model: TF-IDF features of incident text (word and character n-grams), a
cosine-similarity index of resolved incidents, and one linear classifier per field.

Pure code on values: no database, no clock. scikit-learn because it is small, well kept,
has no model to download, and trains a team's history in seconds on one core."""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

FIELDS = ("category_id", "impact", "urgency")
# A field is guessed once this many closed incidents carry it, in at least two values.
MIN_EXAMPLES = 5
# The most recent resolved incidents searched for similar ones: it bounds the stored
# index (and so the model row) whatever the history's size.
INDEX_LIMIT = 20_000
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
class Neighbour:
    incident_id: int
    score: float


def _features(size: int) -> FeatureUnion:
    # Rare terms are noise in a large history and cost memory; in a small one they are
    # all there is.
    min_df = 2 if size >= 5_000 else 1
    common: dict[str, Any] = {
        "lowercase": True,
        "strip_accents": "unicode",
        "sublinear_tf": True,
        "min_df": min_df,
        "dtype": np.float32,
    }
    return FeatureUnion(
        [
            ("word", TfidfVectorizer(ngram_range=(1, 2), max_features=100_000, **common)),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), max_features=100_000, **common
                ),
            ),
        ]
    )


class Model:
    """A trained model; `dumps`/`loads` turn it into the bytes the database keeps."""

    def __init__(
        self,
        features: FeatureUnion,
        index_ids: np.ndarray[Any, Any],
        index: sparse.csr_matrix,
        classifiers: Mapping[str, SGDClassifier | int],
        counts: Mapping[str, int],
    ) -> None:
        self.features = features
        self.index_ids = index_ids
        self.index = index
        self.classifiers = dict(classifiers)
        self.counts = dict(counts)

    def vector(self, text: str) -> sparse.csr_matrix:
        matrix: sparse.csr_matrix = normalize(self.features.transform([text]))
        return matrix

    def similar(
        self, vector: sparse.csr_matrix, *, k: int = 5, exclude: int | None = None
    ) -> list[Neighbour]:
        """The `k` indexed incidents nearest by cosine similarity, best first; ties go to
        the more recent (higher id). Nothing with no word or n-gram in common."""
        if self.index.shape[0] == 0:
            return []
        scores = np.asarray((self.index @ vector.T).todense()).ravel()
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
                continue
            proba = classifier.predict_proba(vector)[0]
            best = int(np.argmax(proba))
            found[name] = Guess(int(classifier.classes_[best]), round(float(proba[best]), 4))
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
    labelled examples."""
    features = _features(len(examples))
    texts = [example.text for example in examples]
    matrix: sparse.csr_matrix = normalize(features.fit_transform(texts)).tocsr()
    rows = [i for i, example in enumerate(examples) if example.searchable][:index_limit]
    index = matrix[rows] if rows else sparse.csr_matrix((0, matrix.shape[1]), dtype=np.float32)
    ids = np.array([examples[i].id for i in rows], dtype=np.int64)
    classifiers: dict[str, SGDClassifier | int] = {}
    counts: dict[str, int] = {}
    for name in FIELDS:
        labelled = [i for i, e in enumerate(examples) if e.labels.get(name) is not None]
        counts[name] = len(labelled)
        if len(labelled) < MIN_EXAMPLES:
            continue
        labels = np.array([examples[i].labels[name] for i in labelled])
        if len(set(labels.tolist())) == 1:
            classifiers[name] = int(labels[0])
            continue
        weights = np.array([examples[i].weight for i in labelled])
        classifiers[name] = _classifier(seed).fit(matrix[labelled], labels, sample_weight=weights)
    return Model(features, ids, index.astype(np.float32), classifiers, counts)


def _classifier(seed: int) -> SGDClassifier:
    """Logistic regression by stochastic gradient descent: probabilities for the
    confidence, and linear time in the history's size."""
    return SGDClassifier(
        loss="log_loss", alpha=1e-5, max_iter=50, tol=1e-4, random_state=seed, n_jobs=1
    )

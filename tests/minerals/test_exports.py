"""The public surface of cajad.minerals is pinned."""

from __future__ import annotations

import cajad.minerals as minerals
from cajad.errors import CajadError


def test_public_names() -> None:
    assert sorted(minerals.__all__) == sorted(
        [
            "MODEL_NAMES",
            "CVResult",
            "ClassEncoder",
            "ConditionalIndependence",
            "DepositsError",
            "EvidenceError",
            "EvidenceStack",
            "Grid",
            "GridMismatchError",
            "MineralsError",
            "Points",
            "QuantileClasses",
            "RateCurve",
            "Sample",
            "SpatialBlockSplit",
            "ValidationSetupError",
            "WeightsError",
            "WeightsOfEvidence",
            "autocorrelation_range",
            "capture_efficiency",
            "categories",
            "conditional_independence_test",
            "cross_validate",
            "distance_to",
            "generalize",
            "make_model",
            "point_density",
            "pr_auc_presence_background",
            "predict_map",
            "rate_curve",
            "read_aligned",
            "read_evidence_dir",
            "read_points",
            "roc_auc_presence_background",
            "sample_presence_background",
            "weights_table",
            "write_geotiff",
        ]
    )
    for name in minerals.__all__:
        assert hasattr(minerals, name)


def test_one_exception_tree() -> None:
    for name in [
        "DepositsError",
        "EvidenceError",
        "GridMismatchError",
        "ValidationSetupError",
        "WeightsError",
    ]:
        error = getattr(minerals, name)
        assert issubclass(error, minerals.MineralsError) and issubclass(error, ValueError)
    assert issubclass(minerals.MineralsError, CajadError)

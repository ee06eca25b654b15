"""The public surface of cajad.minerals is pinned."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
            "Calibration",
            "Explanation",
            "FuzzyOverlay",
            "RunConfig",
            "RunResult",
            "Template",
            "TemplateError",
            "calibrate",
            "explain",
            "explain_targets",
            "load_template",
            "run_on_stack",
            "run_prospectivity",
            "template_names",
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


def test_importing_the_package_loads_no_model_library() -> None:
    """``import cajad.minerals`` is lazy (the CLI starts fast); names load on first use."""
    code = (
        "import sys, cajad.minerals as m; "
        "assert 'sklearn' not in sys.modules and 'lightgbm' not in sys.modules; "
        "m.WeightsOfEvidence; assert 'sklearn' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        minerals.nonexistent  # noqa: B018


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

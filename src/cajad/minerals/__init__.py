"""Critical-minerals prospectivity: evidence layers and known deposits in, maps and targets out.

A plain library over NumPy, xarray/dask, rasterio and scikit-learn: weights of evidence
(:class:`WeightsOfEvidence`), logistic regression, random forest and LightGBM
(:func:`make_model`), spatial block cross-validation (:func:`cross_validate`), uncertainty,
ranked targets and the whole run (:func:`run_prospectivity`).
"""

from cajad.minerals.deposits import Points, read_points
from cajad.minerals.errors import (
    DepositsError,
    EvidenceError,
    GridMismatchError,
    MineralsError,
    ValidationSetupError,
    WeightsError,
)
from cajad.minerals.grid import Grid
from cajad.minerals.metrics import (
    RateCurve,
    capture_efficiency,
    pr_auc_presence_background,
    rate_curve,
    roc_auc_presence_background,
)
from cajad.minerals.models import (
    MODEL_NAMES,
    ClassEncoder,
    QuantileClasses,
    Sample,
    make_model,
    predict_map,
    sample_presence_background,
)
from cajad.minerals.rasterize import categories, distance_to, point_density
from cajad.minerals.stack import EvidenceStack, read_aligned, read_evidence_dir, write_geotiff
from cajad.minerals.validation import (
    CVResult,
    SpatialBlockSplit,
    autocorrelation_range,
    cross_validate,
)
from cajad.minerals.wofe import (
    ConditionalIndependence,
    WeightsOfEvidence,
    conditional_independence_test,
)
from cajad.minerals.wofe_table import generalize, weights_table

__all__ = [
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

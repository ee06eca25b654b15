"""Critical-minerals prospectivity: evidence layers and known deposits in, maps and targets out.

A plain library over NumPy, xarray/dask, rasterio and scikit-learn: weights of evidence
(:class:`WeightsOfEvidence`), fuzzy overlay (:class:`FuzzyOverlay`), logistic regression, random
forest and LightGBM (:func:`make_model`), mineral-system templates (:func:`load_template`), spatial
block cross-validation (:func:`cross_validate`), calibration, uncertainty, ranked and explained
targets and the whole run (:func:`run_prospectivity`).

Names are imported on first use (PEP 562), so ``import cajad.minerals`` and the command line stay
quick: scikit-learn, LightGBM and rasterio load only when a model or a raster is touched.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cajad.minerals.calibration import Calibration, calibrate
    from cajad.minerals.deposits import Points, read_points
    from cajad.minerals.errors import (
        DepositsError,
        EvidenceError,
        GridMismatchError,
        MineralsError,
        ValidationSetupError,
        WeightsError,
    )
    from cajad.minerals.explain import Explanation, explain, explain_targets
    from cajad.minerals.fuzzy import FuzzyOverlay
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
    from cajad.minerals.run import RunConfig, RunResult, run_on_stack, run_prospectivity
    from cajad.minerals.stack import (
        EvidenceStack,
        read_aligned,
        read_evidence_dir,
        write_geotiff,
    )
    from cajad.minerals.templates import Template, TemplateError, load_template, template_names
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

#: Where each public name lives.
_HOMES: dict[str, str] = {
    "autocorrelation_range": "cajad.minerals.validation",
    "calibrate": "cajad.minerals.calibration",
    "Calibration": "cajad.minerals.calibration",
    "capture_efficiency": "cajad.minerals.metrics",
    "categories": "cajad.minerals.rasterize",
    "ClassEncoder": "cajad.minerals.models",
    "conditional_independence_test": "cajad.minerals.wofe",
    "ConditionalIndependence": "cajad.minerals.wofe",
    "cross_validate": "cajad.minerals.validation",
    "CVResult": "cajad.minerals.validation",
    "DepositsError": "cajad.minerals.errors",
    "distance_to": "cajad.minerals.rasterize",
    "EvidenceError": "cajad.minerals.errors",
    "EvidenceStack": "cajad.minerals.stack",
    "explain": "cajad.minerals.explain",
    "explain_targets": "cajad.minerals.explain",
    "Explanation": "cajad.minerals.explain",
    "FuzzyOverlay": "cajad.minerals.fuzzy",
    "generalize": "cajad.minerals.wofe_table",
    "Grid": "cajad.minerals.grid",
    "GridMismatchError": "cajad.minerals.errors",
    "load_template": "cajad.minerals.templates",
    "make_model": "cajad.minerals.models",
    "MineralsError": "cajad.minerals.errors",
    "MODEL_NAMES": "cajad.minerals.models",
    "point_density": "cajad.minerals.rasterize",
    "Points": "cajad.minerals.deposits",
    "pr_auc_presence_background": "cajad.minerals.metrics",
    "predict_map": "cajad.minerals.models",
    "QuantileClasses": "cajad.minerals.models",
    "rate_curve": "cajad.minerals.metrics",
    "RateCurve": "cajad.minerals.metrics",
    "read_aligned": "cajad.minerals.stack",
    "read_evidence_dir": "cajad.minerals.stack",
    "read_points": "cajad.minerals.deposits",
    "roc_auc_presence_background": "cajad.minerals.metrics",
    "run_on_stack": "cajad.minerals.run",
    "run_prospectivity": "cajad.minerals.run",
    "RunConfig": "cajad.minerals.run",
    "RunResult": "cajad.minerals.run",
    "Sample": "cajad.minerals.models",
    "sample_presence_background": "cajad.minerals.models",
    "SpatialBlockSplit": "cajad.minerals.validation",
    "Template": "cajad.minerals.templates",
    "template_names": "cajad.minerals.templates",
    "TemplateError": "cajad.minerals.templates",
    "ValidationSetupError": "cajad.minerals.errors",
    "weights_table": "cajad.minerals.wofe_table",
    "WeightsError": "cajad.minerals.errors",
    "WeightsOfEvidence": "cajad.minerals.wofe",
    "write_geotiff": "cajad.minerals.stack",
}

__all__ = [
    "MODEL_NAMES",
    "CVResult",
    "Calibration",
    "ClassEncoder",
    "ConditionalIndependence",
    "DepositsError",
    "EvidenceError",
    "EvidenceStack",
    "Explanation",
    "FuzzyOverlay",
    "Grid",
    "GridMismatchError",
    "MineralsError",
    "Points",
    "QuantileClasses",
    "RateCurve",
    "RunConfig",
    "RunResult",
    "Sample",
    "SpatialBlockSplit",
    "Template",
    "TemplateError",
    "ValidationSetupError",
    "WeightsError",
    "WeightsOfEvidence",
    "autocorrelation_range",
    "calibrate",
    "capture_efficiency",
    "categories",
    "conditional_independence_test",
    "cross_validate",
    "distance_to",
    "explain",
    "explain_targets",
    "generalize",
    "load_template",
    "make_model",
    "point_density",
    "pr_auc_presence_background",
    "predict_map",
    "rate_curve",
    "read_aligned",
    "read_evidence_dir",
    "read_points",
    "roc_auc_presence_background",
    "run_on_stack",
    "run_prospectivity",
    "sample_presence_background",
    "template_names",
    "weights_table",
    "write_geotiff",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    try:
        home = _HOMES[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

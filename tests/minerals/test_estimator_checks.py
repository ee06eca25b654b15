"""scikit-learn's own estimator checks on the estimators of cajad.minerals."""

from __future__ import annotations

from typing import Any

from sklearn.utils.estimator_checks import parametrize_with_checks

from cajad.minerals import ClassEncoder, QuantileClasses, WeightsOfEvidence

# Categorical weights of evidence learns one weight per class value; on continuous features every
# value is its own class, so it cannot generalise to unseen values. check_classifiers_train fits
# such data and expects a good classifier, so it does not apply to the categorical type (the
# cumulative type, a split at the best contrast per feature, passes it).
WOFE_NOT_APPLICABLE = {
    "check_classifiers_train": "categorical WofE cannot generalise to unseen continuous values",
}


@parametrize_with_checks(
    [
        WeightsOfEvidence(weights_type="ascending"),
        WeightsOfEvidence(),
        ClassEncoder([0]),
        QuantileClasses(4),
    ],
    expected_failed_checks=lambda est: (
        WOFE_NOT_APPLICABLE
        if isinstance(est, WeightsOfEvidence) and est.weights_type == "categorical"
        else {}
    ),
)
def test_sklearn_compatible(estimator: Any, check: Any) -> None:
    check(estimator)

"""The churn preset of the customer classifier."""

from __future__ import annotations

from typing import ClassVar

from crmmine.classification.classifier import CustomerClassifier

__all__ = ["ChurnModel"]


class ChurnModel(CustomerClassifier):
    """:class:`~crmmine.classification.CustomerClassifier` for churn (positive class = churned).

    Everything is the general classifier's (parameters, ``predict_proba``, ``cross_validate``,
    ``reason_codes``); :meth:`predict_positive` returns a Series named ``churn_probability``.

    Examples
    --------
    >>> import crmmine as cm
    >>> from crmmine.churn import churn_features, churn_labels
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> y = churn_labels(tx, as_of="2011-08-31", horizon="90D")
    >>> X = churn_features(tx, as_of="2011-08-31").loc[y.index]
    >>> risk = ChurnModel("logistic").fit(X, y).predict_positive(X)
    >>> risk.name, risk.index.equals(X.index)
    ('churn_probability', True)

    References
    ----------
    Verbeke, W., Dejaeger, K., Martens, D., Hur, J. and Baesens, B. (2012). New insights into
    churn prediction in the telecommunication sector: a profit driven data mining approach.
    *European Journal of Operational Research* 218(1), 211-229.
    """

    _probability_name: ClassVar[str] = "churn_probability"

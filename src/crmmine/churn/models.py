"""The churn preset of the customer classifier."""

from __future__ import annotations

from typing import ClassVar

from crmmine.classification.classifier import CustomerClassifier

__all__ = ["ChurnModel"]


class ChurnModel(CustomerClassifier):
    """:class:`~crmmine.classification.CustomerClassifier` for churn (positive class = churned).

    Everything is the general classifier's (parameters, ``predict_proba``, ``cross_validate``,
    ``reason_codes``); :meth:`predict_positive` returns a Series named ``churn_probability``.
    Labels are matched to the feature table by customer id; datetime columns become ages in
    days at ``as_of``; probabilities are calibrated so they can be read as risks (and fed to
    :func:`retention_list`).

    Parameters
    ----------
    kind : {"logistic", "random_forest", "gradient_boosting"}, default "logistic"
        The model: L2-regularised logistic regression on standardised features, a random
        forest or histogram gradient boosting (see
        :class:`~crmmine.classification.CustomerClassifier` for their settings).
    calibrate : bool, default True
        Calibrate the probabilities with Platt scaling in 3-fold cross-validation.
    class_weight : "balanced", dict or None, default "balanced"
        Weights of the classes in the fit; ``"balanced"`` makes the (usually rarer)
        churners count as much as the stayers.
    as_of : date, optional
        Reference date for datetime columns (age in days at this date). Default: the latest
        date in any datetime column of the training table, kept in ``as_of_``.
    pos_label : label, optional
        The churn class. Default: the greater label (1 with 0/1 labels, True with booleans).
    n_jobs : int, optional
        Threads for BLAS, OpenMP and the random forest (``None`` = 1, ``-1`` = all cores);
        crmmine limits the threads itself inside every fit and prediction.
    random_state : None, int or numpy Generator, default 0
        Seed of the random models and of the shuffled folds of ``cross_validate``.

    See Also
    --------
    churn_features : leakage-safe features from a transaction log.
    churn_labels : the churn target from a transaction log.
    evaluate : AUC, lift and the profit measures of the predicted risks.
    retention_list : whom to contact, from the predicted risks.
    crmmine.classification.CustomerClassifier : the general classifier, with every method.
    crmmine.classification.DecisionRules : readable rules instead of a score.

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

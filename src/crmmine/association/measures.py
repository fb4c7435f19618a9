"""Interest measures of association rules from basket counts (arules' and mlxtend's definitions).

Every measure of a rule A => C is a function of the 2x2 table of baskets with
and without A against with and without C: ``n_ac`` baskets hold both, ``n_a``
hold A, ``n_c`` hold C, out of ``n``. The definitions follow Hahsler's
collection of interest measures (the reference of R's arules) and mlxtend's
``association_rules``; each is listed with its source in
``docs/association.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from crmmine.association.significance import check_rule_counts

__all__ = ["RULE_METRICS", "rule_metrics"]

#: Interest measures computed for every rule, in the order of the rules table.
RULE_METRICS = (
    "support", "confidence", "lift", "leverage", "conviction", "zhangs_metric", "jaccard",
    "certainty", "kulczynski", "added_value", "cosine", "phi", "odds_ratio", "chi_squared", "laplace",
    "hyper_lift", "hyper_confidence", "representativity", "improvement",
)


def rule_metrics(n_ac: Any, n_a: Any, n_c: Any, n: Any, *, hyper_level: float = 0.99,
                 laplace_k: int = 2) -> dict[str, np.ndarray]:
    """Interest measures of rules A => C from basket counts.

    Parameters
    ----------
    n_ac, n_a, n_c : array of int
        Baskets holding both A and C, A, and C.
    n : int or array of int
        Number of baskets.
    hyper_level : float, default 0.99
        Quantile ``d`` of the hypergeometric count under independence used by
        ``hyper_lift`` (arules' default).
    laplace_k : int, default 2
        Number of classes ``k`` of the Laplace estimate (arules' default).

    Returns
    -------
    dict of name -> ndarray
        With P(X) the share of baskets holding X:

        - ``support`` = P(AC); ``confidence`` = P(AC) / P(A); ``lift`` =
          confidence / P(C); ``leverage`` = P(AC) - P(A)P(C);
        - ``conviction`` = (1 - P(C)) / (1 - confidence), infinite when the
          confidence is 1;
        - ``zhangs_metric`` = leverage / max(P(AC)(1 - P(A)), P(A)(P(C) - P(AC))),
          0 when the denominator is 0;
        - ``jaccard`` = P(AC) / (P(A) + P(C) - P(AC)); ``certainty`` =
          (confidence - P(C)) / (1 - P(C)), 0 when P(C) = 1; ``kulczynski`` =
          (P(C|A) + P(A|C)) / 2;
        - ``added_value`` = confidence - P(C); ``cosine`` = P(AC) / sqrt(P(A)P(C));
        - ``phi`` = (n n_ac - n_a n_c) / sqrt(n_a n_c (n - n_a)(n - n_c));
        - ``odds_ratio`` = n_ac n_00 / (n_a0 n_0c) with the four cells of the
          table (infinite when a cell of the denominator is 0);
        - ``chi_squared``: Pearson's statistic of the table, without continuity
          correction; ``phi`` and ``chi_squared`` are NaN when a margin is 0;
        - ``laplace`` = (n_ac + 1) / (n_a + k);
        - ``hyper_lift`` = n_ac / Q_d, Q_d the d-quantile of the hypergeometric
          count of A and C under independence (NaN when Q_d = 0);
          ``hyper_confidence`` = P(X < n_ac) under the same model (one minus
          Fisher's p-value).

    See Also
    --------
    association_rules : computes these measures for every rule it generates.
    fisher_pvalues : the significance of the same 2x2 tables.

    Examples
    --------
    >>> m = rule_metrics([2], [3], [2], 4)
    >>> round(float(m["confidence"][0]), 4), round(float(m["lift"][0]), 4)
    (0.6667, 1.3333)
    >>> round(float(m["cosine"][0]), 4), round(float(m["laplace"][0]), 4)
    (0.8165, 0.6)

    References
    ----------
    Hahsler, M. (2015). A probabilistic comparison of commonly used interest
    measures for association rules. https://mhahsler.github.io/arules/docs/measures
    Hahsler, M., Hornik, K. (2007). New probabilistic interest measures for
    association rules. Intelligent Data Analysis 11(5), 437-455 (hyper-lift,
    hyper-confidence).
    Tan, P.-N., Kumar, V., Srivastava, J. (2004). Selecting the right
    objective measure for association analysis. Information Systems 29(4),
    293-313 (phi, odds ratio, cosine, added value, Laplace).
    Zhang, T. (2000). Association rules. Proc. PAKDD 2000, 245-256.
    Wu, T., Chen, Y., Han, J. (2010). Re-examination of interestingness measures
    in pattern mining: a unified framework. Data Min. Knowl. Disc. 21, 371-397.
    """
    from crmmine.association._kernels import hypergeom_log_upper, hypergeom_quantile

    n_ac_i = np.atleast_1d(np.asarray(n_ac, dtype=np.int64))
    n_a_i = np.atleast_1d(np.asarray(n_a, dtype=np.int64))
    n_c_i = np.atleast_1d(np.asarray(n_c, dtype=np.int64))
    n_i = np.broadcast_to(np.asarray(n, dtype=np.int64), n_ac_i.shape)
    check_rule_counts(n_ac_i, n_a_i, n_c_i, n_i, "rule_metrics()")
    f11 = n_ac_i.astype(float)
    f1x = n_a_i.astype(float)
    fx1 = n_c_i.astype(float)
    nn = n_i.astype(float)
    f10 = f1x - f11
    f01 = fx1 - f11
    f00 = nn - f1x - fx1 + f11
    s_a, s_c, s_ac = f1x / nn, fx1 / nn, f11 / nn
    with np.errstate(divide="ignore", invalid="ignore"):
        conf = f11 / f1x
        lift = conf / s_c
        leverage = s_ac - s_a * s_c
        conviction = np.where(conf < 1.0, (1.0 - s_c) / (1.0 - conf), np.inf)
        denom = np.maximum(s_ac * (1.0 - s_a), s_a * (s_c - s_ac))
        zhang = np.where(denom == 0, 0.0, leverage / denom)
        certainty = np.where(s_c == 1.0, 0.0, (conf - s_c) / (1.0 - s_c))
        jaccard = s_ac / (s_a + s_c - s_ac)
        kulczynski = 0.5 * (conf + f11 / fx1)
        margins = f1x * fx1 * (nn - f1x) * (nn - fx1)
        phi = np.where(margins > 0, (nn * f11 - f1x * fx1) / np.sqrt(margins), np.nan)
        chi2 = np.where(margins > 0, nn * (f11 * f00 - f10 * f01) ** 2 / margins, np.nan)
        odds = np.where(f10 * f01 > 0, f11 * f00 / (f10 * f01),
                        np.where(f11 * f00 > 0, np.inf, np.nan))
        cosine = f11 / np.sqrt(f1x * fx1)
        laplace = (f11 + 1.0) / (f1x + laplace_k)
        quantile = np.empty(len(f11))
        for value in np.unique(n_i):  # usually one n for all rules
            sel = n_i == value
            quantile[sel] = hypergeom_quantile(float(hyper_level), n_a_i[sel], n_c_i[sel], int(value))
        hyper_lift = np.where(quantile > 0, f11 / quantile, np.nan)
        log_p = np.empty(len(f11))
        for value in np.unique(n_i):
            sel = n_i == value
            log_p[sel] = hypergeom_log_upper(n_ac_i[sel], n_a_i[sel], n_c_i[sel], int(value))
        hyper_confidence = 0.0 - np.expm1(log_p)
    return {"support": s_ac, "confidence": conf, "lift": lift, "leverage": leverage,
            "conviction": conviction, "zhangs_metric": zhang, "jaccard": jaccard,
            "certainty": certainty, "kulczynski": kulczynski, "added_value": conf - s_c,
            "cosine": cosine, "phi": phi, "odds_ratio": odds, "chi_squared": chi2, "laplace": laplace,
            "hyper_lift": hyper_lift, "hyper_confidence": hyper_confidence, "log_p": log_p}

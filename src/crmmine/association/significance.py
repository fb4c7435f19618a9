"""Fisher's exact test for rules and multiple-testing adjustments (Holm, Benjamini-Hochberg)."""

from __future__ import annotations

import numpy as np

from crmmine.errors import ParameterError


def check_rule_counts(n_ac: np.ndarray, n_a: np.ndarray, n_c: np.ndarray, n: np.ndarray, caller: str) -> None:
    """Raise when basket counts cannot come from one table of ``n`` baskets."""
    n = np.broadcast_to(n, n_ac.shape)
    bad = (n_ac < 0) | (n_a < n_ac) | (n_c < n_ac) | (n_a + n_c - n_ac > n)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(
            f"{caller}: {int(bad.sum()):,} rules have impossible basket counts (e.g. rule {i}: n_ac="
            f"{int(n_ac[i])}, n_a={int(n_a[i])}, n_c={int(n_c[i])}, n={int(n[i])}). "
            "Fix: pass counts with 0 <= n_ac <= n_a, n_c and n_a + n_c - n_ac <= n."
        )

__all__ = ["adjust_log_pvalues", "adjust_pvalues", "fisher_pvalues"]

_METHODS = ("holm", "bh", "bonferroni", "none")


def fisher_pvalues(n_ac: np.ndarray, n_a: np.ndarray, n_c: np.ndarray, n: int, *, log: bool = False
                   ) -> np.ndarray:
    """One-sided Fisher's exact test p-values for positive association of A and C.

    For the 2x2 table of baskets with/without A against with/without C, the
    p-value is ``P(X >= n_ac)`` where ``X`` is hypergeometric: ``n`` baskets,
    ``n_c`` of them hold C, ``n_a`` are drawn. This is the "fishersExactTest"
    measure of R arules (alternative "greater").

    Parameters
    ----------
    n_ac, n_a, n_c : array of int
        Counts of baskets holding A and C, A, and C.
    n : int
        Number of baskets.
    log : bool, default False
        Return the natural log of the p-values: it stays finite where the
        p-value itself underflows to 0 (below about 1e-308).

    Returns
    -------
    ndarray of float
        One p-value (or its log) per rule.

    See Also
    --------
    adjust_pvalues : correct them for the number of rules tested.
    association_rules : reports them per rule (``p_value``, ``log_p``, ``p_adjusted``).

    Examples
    --------
    >>> float(fisher_pvalues(np.array([3]), np.array([3]), np.array([3]), 6)[0])
    0.05
    >>> float(fisher_pvalues([2000], [2000], [2000], 100_000, log=True)[0]) < -9000
    True

    References
    ----------
    Fisher, R. A. (1922). On the interpretation of chi-square from contingency
    tables, and the calculation of P. J. Royal Statistical Society 85(1), 87-94.
    Hahsler, M., Hornik, K. (2007). New probabilistic interest measures for
    association rules. Intelligent Data Analysis 11(5), 437-455.
    """
    from crmmine.association._kernels import hypergeom_log_upper

    n_ac, n_a, n_c = (np.atleast_1d(np.asarray(v, dtype=np.int64)) for v in (n_ac, n_a, n_c))
    check_rule_counts(n_ac, n_a, n_c, np.int64(n), "fisher_pvalues()")
    log_p = hypergeom_log_upper(n_ac, n_a, n_c, int(n))
    return log_p if log else np.exp(log_p)


def adjust_pvalues(p: np.ndarray, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple testing.

    Parameters
    ----------
    p : array of float
        Raw p-values, e.g. from :func:`fisher_pvalues`.
    method : {"holm", "bh", "bonferroni", "none"}
        Holm's step-down family-wise error control, Benjamini-Hochberg false
        discovery rate, Bonferroni, or no adjustment. The results equal R's
        ``p.adjust`` with methods "holm", "BH" and "bonferroni".

    Returns
    -------
    ndarray of float, in the order of ``p``

    See Also
    --------
    fisher_pvalues : the raw p-values of rules.
    association_rules : adjusts over the returned rules with ``p_adjust=``.

    Examples
    --------
    >>> adjust_pvalues(np.array([0.01, 0.04, 0.03]), "holm").round(4).tolist()
    [0.03, 0.06, 0.06]
    >>> adjust_pvalues(np.array([0.01, 0.04, 0.03]), "bh").round(4).tolist()
    [0.03, 0.04, 0.04]

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6(2), 65-70.
    Benjamini, Y., Hochberg, Y. (1995). Controlling the false discovery rate.
    J. Royal Statistical Society B 57(1), 289-300.
    """
    values = np.asarray(p, dtype=float)
    bad = ~((values >= 0) & (values <= 1))
    if bad.any():
        raise ParameterError(
            f"adjust_pvalues(): {int(bad.sum()):,} values are not p-values in [0, 1] (e.g. "
            f"{values[bad][:3].tolist()}). Fix: pass p-values (adjust_log_pvalues takes their logs)."
        )
    return _adjust(values, method, log=False)


def adjust_log_pvalues(log_p: np.ndarray, method: str = "holm") -> np.ndarray:
    """:func:`adjust_pvalues` on the log scale: the log of the adjusted p-values.

    Ranks and factors are applied to ``log p`` so that p-values below the
    smallest double keep their order.

    Examples
    --------
    >>> np.exp(adjust_log_pvalues(np.log([0.01, 0.04, 0.03]), "holm")).round(4).tolist()
    [0.03, 0.06, 0.06]
    """
    return _adjust(np.asarray(log_p, dtype=float), method, log=True)


def _adjust(values: np.ndarray, method: str, *, log: bool) -> np.ndarray:
    """Holm, Benjamini-Hochberg or Bonferroni on p-values, or on their logs with ``log``.

    Each step multiplies a p-value by a factor (``m``, ``m - rank + 1`` or ``m / rank``) and
    caps it at 1; on the log scale the log of the factor is added and the cap is 0.
    """
    if method not in _METHODS:
        raise ParameterError(f"parameter 'p_adjust' must be one of {_METHODS}, got {method!r}.")
    m = len(values)
    if m == 0 or method == "none":
        return values.copy()

    def scaled(factor: np.ndarray | int, v: np.ndarray) -> np.ndarray:
        return np.log(factor) + v if log else factor * v

    cap = 0.0 if log else 1.0
    if method == "bonferroni":
        return np.minimum(scaled(m, values), cap)
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    ranks = np.arange(1, m + 1)
    if method == "holm":
        adj = np.maximum.accumulate(scaled(m - ranks + 1, ranked))
    else:
        adj = np.minimum.accumulate(scaled(m / ranks, ranked)[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, cap)
    return out

"""Variable selection for scorecards: information value, then correlation of the WoE columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import InstanceOf, Interval, validate_params
from crmmine._results import Result
from crmmine.credit.binning import WOEBinning, iv_strength
from crmmine.errors import DataError

__all__ = ["SELECTION_CONSTRAINTS", "VariableSelection", "select_variables"]


@dataclass(repr=False)
class VariableSelection(Result):
    """Which characteristics enter the scorecard, and why the others do not.

    Returned by :func:`select_variables`; the fields below are its attributes, and
    ``selected`` lists the kept names.

    Parameters
    ----------
    table : DataFrame
        One row per characteristic (strongest first): ``iv``, ``strength``, ``selected``,
        ``reason``.
    correlation : DataFrame
        Pearson correlation of the WoE columns of the characteristics that passed the IV
        filter.

    See Also
    --------
    select_variables : builds it.
    Scorecard : fits on the selected characteristics (``Scorecard.selection_``).

    Examples
    --------
    Fixed bins (``user_splits``) keep this example small and fast:

    >>> import pandas as pd
    >>> debt = [0.1, 0.2, 0.3, 0.4, 0.45, 0.6, 0.7, 0.8, 0.9, 0.95] * 4
    >>> X = pd.DataFrame({"debt": debt, "debt_copy": [d + 0.01 for d in debt],
    ...                   "region": (list("nnnnnsssss") + list("sssssnnnnn")) * 2})
    >>> y = pd.Series([0, 0, 0, 0, 1, 0, 0, 0, 1, 1] * 4)
    >>> binning = WOEBinning(user_splits={"debt": [0.5], "debt_copy": [0.5],
    ...                                   "region": [["n"], ["s"]]}).fit(X, y)
    >>> sel = select_variables(binning, X)
    >>> sel.selected
    ['debt']
    >>> sel.table["reason"].tolist()
    ['kept', "WoE correlation 1.00 with 'debt' (stronger IV)", 'IV 0.0000 below min_iv 0.02 (useless)']
    """

    table: pd.DataFrame
    correlation: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def selected(self) -> list[str]:
        """Names of the selected characteristics, strongest first."""
        return self.table.index[self.table["selected"]].tolist()

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        return self.table.copy()

    def _repr_items(self) -> dict[str, Any]:
        return {"selected": len(self.selected), "candidates": len(self.table)}


#: Constraints of the selection parameters, shared with :class:`~crmmine.credit.Scorecard`.
SELECTION_CONSTRAINTS: dict[str, list[Any]] = {
    "min_iv": [Interval(Real, 0, None)],
    "max_iv": [None, Interval(Real, 0, None, closed="neither")],
    "max_correlation": [Interval(Real, 0, 1, closed="right")],
    "max_variables": [None, Interval(Integral, 1, None)],
}


@validate_params({"binning": [InstanceOf(WOEBinning)], **SELECTION_CONSTRAINTS})
def select_variables(
    binning: WOEBinning,
    X: Any,
    *,
    min_iv: float = 0.02,
    max_iv: float | None = None,
    max_correlation: float = 0.7,
    max_variables: int | None = None,
) -> VariableSelection:
    """Select characteristics by information value, then drop the weaker of correlated pairs.

    Characteristics are taken from the strongest IV down. One below ``min_iv`` (default: the
    "useless" band, 0.02) is dropped; one above ``max_iv`` is dropped when ``max_iv`` is given
    (otherwise a "suspicious" IV above 0.5 is kept and flagged, as Siddiqi advises checking it
    rather than discarding it blindly). A characteristic whose WoE column correlates (in
    absolute value) at ``max_correlation`` or more with one already kept is dropped in favour
    of the stronger one. ``max_variables`` keeps the strongest that remain.

    Parameters
    ----------
    binning : WOEBinning
        Fitted on the training applications.
    X : DataFrame
        The training applications (for the WoE correlations).
    min_iv : float, default 0.02
        Least information value kept.
    max_iv : float, optional
        Drop characteristics above this information value (suspected leakage).
    max_correlation : float, default 0.7
        Drop a characteristic whose WoE correlates at least this much (in absolute value)
        with a stronger one already kept.
    max_variables : int, optional
        Keep at most this many, strongest first.

    Returns
    -------
    VariableSelection
        Per characteristic (strongest IV first): ``iv``, ``strength``, ``selected`` and the
        ``reason`` it was kept or dropped; ``correlation`` holds the WoE correlations.

    See Also
    --------
    WOEBinning : the binning whose information values and WoE columns are read.
    iv_strength : the band names used in ``strength`` and in the reasons.
    Scorecard : runs this selection inside ``fit`` (``select=True``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> debt = rng.uniform(0, 1, 3000)
    >>> X = pd.DataFrame({"debt": debt, "debt_copy": debt + rng.normal(0, 0.01, 3000),
    ...                   "noise": rng.uniform(size=3000)})
    >>> y = pd.Series((rng.uniform(size=3000) < 0.05 + 0.4 * debt).astype(int))
    >>> sel = select_variables(WOEBinning().fit(X, y), X)
    >>> len(sel.selected), sel.selected[0].startswith("debt")
    (1, True)
    >>> bool(sel.table.loc["noise", "selected"]), sel.table.loc["noise", "strength"]
    (False, 'useless')

    References
    ----------
    Siddiqi, N. (2006). *Credit Risk Scorecards*. Wiley, ch. 6 (initial characteristic analysis).
    """
    binning._check_fitted()
    iv = binning.iv_
    table = pd.DataFrame({"iv": iv, "strength": iv_strength(iv)})
    table.index.name = "variable"
    selected = pd.Series(False, index=iv.index)
    reasons = pd.Series("", index=iv.index, dtype=object)
    passing = []
    for name, value in iv.items():
        if value < min_iv:
            reasons[name] = f"IV {value:.4f} below min_iv {min_iv:g} ({iv_strength(value)})"
        elif max_iv is not None and value > max_iv:
            reasons[name] = f"IV {value:.4f} above max_iv {max_iv:g}: check for leakage"
        else:
            passing.append(name)
    if not passing:
        raise DataError(
            f"no characteristic reaches min_iv={min_iv:g}: the strongest is {iv.index[0]!r} with IV "
            f"{iv.iloc[0]:.4f}. Fix: lower min_iv, or check that y is the outcome of these "
            "applications (aligned on the same index)."
        )
    woe = binning.transform(X)[passing]
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = woe.corr().fillna(0.0)
    kept: list[str] = []
    for name in passing:
        clash = [(k, corr.loc[name, k]) for k in kept if abs(corr.loc[name, k]) >= max_correlation]
        if clash:
            other, r = max(clash, key=lambda kv: abs(kv[1]))
            reasons[name] = f"WoE correlation {r:.2f} with {other!r} (stronger IV)"
            continue
        if max_variables is not None and len(kept) >= max_variables:
            reasons[name] = f"beyond max_variables={max_variables}"
            continue
        kept.append(name)
        selected[name] = True
        reasons[name] = ("kept; IV above 0.5 is suspicious: check for leakage" if iv[name] > 0.5
                         else "kept")
    table["selected"] = selected
    table["reason"] = reasons
    return VariableSelection(table=table, correlation=corr)

"""Importance-performance analysis and the satisfaction-loyalty quadrants."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import InstanceOf, Interval, Options, validate_params
from crmmine._results import Result
from crmmine.errors import ParameterError
from crmmine.survey.pls import PLSPathModel

__all__ = ["IPAResult", "LoyaltyQuadrants", "importance_performance", "satisfaction_loyalty"]

QUADRANT_ACTIONS = {
    (True, False): "concentrate here",
    (True, True): "keep up the good work",
    (False, False): "low priority",
    (False, True): "possible overkill",
}


@dataclass(repr=False)
class IPAResult(Result):
    """Importance-performance map of the drivers of one target construct.

    Returned by :func:`importance_performance`; the fields below are its attributes.

    Parameters
    ----------
    target : str
        The construct the drivers act on.
    table : DataFrame
        Per driver: ``importance`` (total effect on the target), ``performance`` (mean 0-100
        index), ``quadrant`` (the action it suggests).
    importance_cut, performance_cut : float
        The means that split the map into quadrants.

    See Also
    --------
    importance_performance : builds it.

    Examples
    --------
    >>> from crmmine.survey import make_survey
    >>> s = make_survey(400, random_state=0)
    >>> ipa = importance_performance(PLSPathModel(s.blocks, s.paths, scale=(1, 10)).fit(s.data))
    >>> ipa
    IPAResult(target='Satisfaction', drivers=4)
    >>> ipa.to_frame()["quadrant"].tolist()  # Quality, Image, Expectation, Value
    ['concentrate here', 'low priority', 'possible overkill', 'possible overkill']
    >>> round(ipa.importance_cut, 3), round(ipa.performance_cut, 2)
    (0.325, 49.35)
    """

    target: str
    table: pd.DataFrame
    importance_cut: float
    performance_cut: float

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        return self.table.copy()

    def _repr_items(self) -> dict[str, Any]:
        return {"target": self.target, "drivers": len(self.table)}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Drivers on the importance (x) by performance (y) map, split at the means."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 4.5))
        ax.scatter(self.table["importance"], self.table["performance"], color="#2c7fb8", **kwargs)
        for name, row in self.table.iterrows():
            ax.annotate(str(name), (row["importance"], row["performance"]), fontsize=8,
                        xytext=(4, 4), textcoords="offset points")
        ax.axvline(self.importance_cut, color="grey", linestyle=":")
        ax.axhline(self.performance_cut, color="grey", linestyle=":")
        ax.set_xlabel(f"importance (total effect on {self.target})")
        ax.set_ylabel("performance (0-100 index)")
        ax.set_title(f"Importance-performance map: {self.target}")
        return ax


@validate_params(
    {
        "model": [InstanceOf(PLSPathModel)],
        "target": [str],
        "importance": [Options({"unstandardized", "standardized"})],
    }
)
def importance_performance(model: PLSPathModel, target: str = "Satisfaction", *,
                           importance: str = "unstandardized") -> IPAResult:
    """Importance-performance analysis with importance derived from the fitted model.

    Importance of a driver is its total effect (direct plus through mediators) on ``target``;
    with ``importance="unstandardized"`` (the IPMA convention of Ringle and Sarstedt 2016) it is
    rescaled to the 0-100 indices, ``total * sd(target index) / sd(driver index)``: the points
    the target gains when the driver's index rises by one point. Performance is the driver's
    mean 0-100 index. Drivers above the mean importance and below the mean performance are
    where to "concentrate" (Martilla and James 1977).

    Parameters
    ----------
    model : PLSPathModel
        A fitted path model.
    target : str, default "Satisfaction"
        The latent variable whose drivers are mapped (it must be endogenous).
    importance : {"unstandardized", "standardized"}, default "unstandardized"
        Total effects rescaled to the 0-100 indices (IPMA), or the standardized ones.

    Returns
    -------
    IPAResult
        Per driver (most important first): ``importance``, ``performance`` and the
        ``quadrant`` action, with the two cuts.

    See Also
    --------
    PLSPathModel : the model whose total effects and indices are read.
    satisfaction_loyalty : the respondents' view instead of the drivers'.

    Examples
    --------
    >>> from crmmine.survey import make_survey
    >>> s = make_survey(400, random_state=0)
    >>> ipa = importance_performance(PLSPathModel(s.blocks, s.paths, scale=(1, 10)).fit(s.data))
    >>> ipa.table.index[0], ipa.table.loc["Quality", "quadrant"]
    ('Quality', 'concentrate here')

    References
    ----------
    Martilla, J. A. and James, J. C. (1977). Importance-performance analysis. *Journal of
    Marketing* 41(1), 77-79.
    Ringle, C. M. and Sarstedt, M. (2016). Gain more insight from your PLS-SEM results: the
    importance-performance map analysis. *Industrial Management & Data Systems* 116(9), 1865-1886.
    """
    model._check_fitted()
    if target not in model.latent_:
        raise ParameterError(f"target {target!r} is not a latent variable of the model: {model.latent_}.")
    effects = model.total_effects_[(model.total_effects_["target"] == target)
                                   & (model.total_effects_["total"] != 0)]
    if effects.empty:
        raise ParameterError(f"nothing in the model affects {target!r}; choose an endogenous target.")
    idx = model.index_scores_
    table = pd.DataFrame(index=pd.Index(effects["source"].tolist(), name="driver"))
    total = effects.set_index("source")["total"]
    if importance == "unstandardized":
        table["importance"] = total * idx[target].std(ddof=1) / idx[total.index].std(ddof=1)
    else:
        table["importance"] = total
    table["performance"] = idx[total.index].mean()
    icut, pcut = float(table["importance"].mean()), float(table["performance"].mean())
    table["quadrant"] = [QUADRANT_ACTIONS[(i >= icut, p >= pcut)]
                         for i, p in zip(table["importance"], table["performance"])]
    table = table.sort_values("importance", ascending=False)
    return IPAResult(target=target, table=table, importance_cut=icut, performance_cut=pcut)


@dataclass(repr=False)
class LoyaltyQuadrants(Result):
    """Respondents placed on the satisfaction-loyalty grid (Jones and Sasser 1995).

    Returned by :func:`satisfaction_loyalty`; the fields below are its attributes, and
    ``satisfaction_trap`` lists the satisfied but disloyal respondents.

    Parameters
    ----------
    table : DataFrame
        Per respondent: ``satisfaction``, ``loyalty`` (0-100) and ``quadrant``: ``loyalist``
        (satisfied and loyal), ``mercenary`` (satisfied, not loyal: the satisfaction trap),
        ``hostage`` (loyal without being satisfied) or ``defector``.
    satisfied, loyal : float
        The thresholds used.

    See Also
    --------
    satisfaction_loyalty : builds it.

    Examples
    --------
    >>> from crmmine.survey import make_survey
    >>> s = make_survey(400, random_state=0)
    >>> grid = satisfaction_loyalty(PLSPathModel(s.blocks, s.paths, scale=(1, 10)).fit(s.data))
    >>> grid.summary()["respondents"].to_dict()
    {'loyalist': 57, 'mercenary': 45, 'hostage': 60, 'defector': 238}
    >>> len(grid.satisfaction_trap), grid.table.columns.tolist()
    (45, ['satisfaction', 'loyalty', 'quadrant'])
    """

    table: pd.DataFrame
    satisfied: float
    loyal: float

    @property
    def satisfaction_trap(self) -> pd.DataFrame:
        """The satisfied but not loyal respondents (quadrant ``mercenary``)."""
        return self.table[self.table["quadrant"] == "mercenary"]

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        counts = self.table["quadrant"].value_counts().reindex(
            ["loyalist", "mercenary", "hostage", "defector"], fill_value=0)
        frame = pd.DataFrame({"respondents": counts, "share": counts / len(self.table)})
        return frame.rename_axis("quadrant")

    def _repr_items(self) -> dict[str, Any]:
        return {"respondents": len(self.table), "satisfaction_trap": len(self.satisfaction_trap)}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Satisfaction (x) by loyalty (y), coloured by quadrant."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 4.5))
        colors = {"loyalist": "#238b45", "mercenary": "#fd8d3c", "hostage": "#6baed6", "defector": "#d7301f"}
        for name, group in self.table.groupby("quadrant"):
            ax.scatter(group["satisfaction"], group["loyalty"], s=10, label=name, color=colors[name],
                       **kwargs)
        ax.axvline(self.satisfied, color="grey", linestyle=":")
        ax.axhline(self.loyal, color="grey", linestyle=":")
        ax.set_xlabel("satisfaction (0-100)")
        ax.set_ylabel("loyalty (0-100)")
        ax.legend(fontsize=8)
        return ax


@validate_params(
    {
        "model": [InstanceOf(PLSPathModel)],
        "satisfaction": [str],
        "loyalty": [str],
        "satisfied": [Interval(Real, 0, 100)],
        "loyal": [Interval(Real, 0, 100)],
    }
)
def satisfaction_loyalty(model: PLSPathModel, *, satisfaction: str = "Satisfaction", loyalty: str = "Loyalty",
                         satisfied: float = 70.0, loyal: float = 70.0) -> LoyaltyQuadrants:
    """Place every respondent on the satisfaction-loyalty grid and find the satisfaction trap.

    Uses the model's 0-100 indices of the two constructs; a respondent at or above
    ``satisfied`` is satisfied, at or above ``loyal`` loyal (70 on the 0-100 index is 7.3 on a
    1-10 scale). Satisfied but disloyal customers ("mercenaries") are the satisfaction trap:
    satisfaction alone does not keep them (Jones and Sasser 1995).

    Parameters
    ----------
    model : PLSPathModel
        A fitted path model with both constructs.
    satisfaction, loyalty : str, default "Satisfaction", "Loyalty"
        The latent variables read.
    satisfied, loyal : float, default 70
        Thresholds on the 0-100 indices.

    Returns
    -------
    LoyaltyQuadrants
        Per respondent: ``satisfaction``, ``loyalty`` and ``quadrant`` (``loyalist``,
        ``mercenary``, ``hostage``, ``defector``).

    See Also
    --------
    importance_performance : which drivers to work on.
    net_promoter_score : the recommendation score, another loyalty measure.

    Examples
    --------
    >>> from crmmine.survey import make_survey
    >>> s = make_survey(400, random_state=0)
    >>> q = satisfaction_loyalty(PLSPathModel(s.blocks, s.paths, scale=(1, 10)).fit(s.data))
    >>> int(q.summary()["respondents"].sum())
    400

    References
    ----------
    Jones, T. O. and Sasser, W. E. (1995). Why satisfied customers defect. *Harvard Business
    Review* 73(6), 88-99.
    """
    model._check_fitted()
    for name in (satisfaction, loyalty):
        if name not in model.latent_:
            raise ParameterError(f"{name!r} is not a latent variable of the model: {model.latent_}.")
    idx = model.index_scores_
    s, lo = idx[satisfaction], idx[loyalty]
    quadrant = np.select([(s >= satisfied) & (lo >= loyal), (s >= satisfied) & (lo < loyal),
                          (s < satisfied) & (lo >= loyal)], ["loyalist", "mercenary", "hostage"], "defector")
    table = pd.DataFrame({"satisfaction": s, "loyalty": lo, "quadrant": quadrant}, index=idx.index)
    return LoyaltyQuadrants(table=table, satisfied=float(satisfied), loyal=float(loyal))

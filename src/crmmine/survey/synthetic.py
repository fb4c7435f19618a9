"""A synthetic satisfaction survey with a known structure, for tests and examples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import Interval, validate_params
from crmmine.errors import ParameterError

__all__ = ["DEFAULT_SURVEY_PATHS", "SyntheticSurvey", "make_survey"]

#: True standardized path coefficients of the default generator (an ECSI-like model without
#: the complaints construct; values close to the mobi estimates).
DEFAULT_SURVEY_PATHS: dict[str, dict[str, float]] = {
    "Expectation": {"Image": 0.5},
    "Quality": {"Expectation": 0.55},
    "Value": {"Expectation": 0.1, "Quality": 0.55},
    "Satisfaction": {"Image": 0.2, "Quality": 0.45, "Value": 0.25},
    "Loyalty": {"Image": 0.2, "Satisfaction": 0.55},
}

_PREFIX = {"Image": "IMAG", "Expectation": "CUEX", "Quality": "PERQ", "Value": "PERV",
           "Satisfaction": "CUSA", "Loyalty": "CUSL"}


@dataclass
class SyntheticSurvey:
    """A generated survey and the truth it was drawn from.

    Returned by :func:`make_survey`; the fields below are its attributes.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (index ``respondent_id``): the indicators, plus
        ``recommend`` (0-10 likelihood to recommend, driven by loyalty), ``complained``,
        ``resolution_days`` (NaN without complaint) and ``resolved``.
    blocks, paths : dict
        The model to fit (``PLSPathModel(blocks, paths)``).
    true_paths : DataFrame
        ``source, target, coefficient`` of the latent structure.
    latent : DataFrame
        The standardized latent variables per respondent.
    complaint_rate : float
        Expected share of complainers under the generator.
    settings : dict
        ``loading``, ``n_indicators`` and ``levels`` of the draw.

    See Also
    --------
    make_survey : builds it.
    PLSPathModel : fit ``PLSPathModel(survey.blocks, survey.paths)`` on ``survey.data``.

    Examples
    --------
    >>> s = make_survey(200, random_state=0)
    >>> s.blocks["Satisfaction"], s.settings["levels"]
    (['CUSA1', 'CUSA2', 'CUSA3'], 10)
    >>> s.true_paths.query("target == 'Loyalty'")[["source", "coefficient"]].values.tolist()
    [['Image', 0.2], ['Satisfaction', 0.55]]
    """

    data: pd.DataFrame
    blocks: dict[str, list[str]]
    paths: dict[str, list[str]]
    true_paths: pd.DataFrame
    latent: pd.DataFrame
    complaint_rate: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)


def _order(paths: Mapping[str, Mapping[str, float]]) -> list[str]:
    names = list(dict.fromkeys([s for src in paths.values() for s in src] + list(paths)))
    done: list[str] = []
    while len(done) < len(names):
        ready = [n for n in names if n not in done and all(s in done for s in paths.get(n, {}))]
        if not ready:
            raise ParameterError("paths form a cycle; the generator needs a recursive model.")
        done.extend(ready)
    return done


@validate_params(
    {
        "n_respondents": [Interval(Integral, 10, None)],
        "n_indicators": [Interval(Integral, 1, None)],
        "loading": [Interval(Real, 0, 1, closed="right")],
        "levels": [None, Interval(Integral, 2, None)],
        "complaint_intercept": [Interval(Real, None, None)],
        "complaint_slope": [Interval(Real, None, None)],
        "random_state": ["random_state"],
    }
)
def make_survey(
    n_respondents: int = 500,
    *,
    paths: Mapping[str, Mapping[str, float]] | None = None,
    n_indicators: int = 3,
    loading: float = 0.85,
    levels: int | None = 10,
    complaint_intercept: float = -1.5,
    complaint_slope: float = -1.0,
    random_state: Any = None,
) -> SyntheticSurvey:
    """Draw a satisfaction survey from a known recursive latent structure.

    Latent variables are standard normal: each endogenous one is the weighted sum of its
    predecessors (``paths``, standardized coefficients) plus a disturbance whose variance makes
    its total variance 1. Each has ``n_indicators`` reflective indicators
    ``x = loading * eta + sqrt(1 - loading^2) * e``, cut into ``levels`` answer categories
    (1..levels at equal-probability thresholds of the normal; ``None`` keeps them continuous).
    ``recommend`` is a 0-10 answer driven by loyalty; a respondent complains with probability
    ``logistic(complaint_intercept + complaint_slope * satisfaction)``; resolution takes a
    gamma(2, 4) number of days and fails (``resolved = False``) for one in five complaints.

    Parameters
    ----------
    n_respondents : int, default 500
        Rows to draw (at least 10).
    paths : dict, optional
        ``{target: {source: coefficient}}``; default :data:`DEFAULT_SURVEY_PATHS`.
    n_indicators : int, default 3
        Indicators per latent variable.
    loading : float, default 0.85
        Standardized loading of every indicator, in (0, 1].
    levels : int or None, default 10
        Answer categories of the indicators; ``None`` keeps them continuous.
    complaint_intercept, complaint_slope : float, default -1.5, -1.0
        Logistic model of complaining on the standardized satisfaction.
    random_state : None, int or numpy Generator
        Seed of the draw.

    Returns
    -------
    SyntheticSurvey
        The respondents (``data``), the model to fit (``blocks``, ``paths``) and the truth
        (``true_paths``, ``latent``, ``complaint_rate``).

    See Also
    --------
    PLSPathModel : recovers the paths from the draw.
    complaint_statistics : reads the ``complained``, ``resolution_days`` and ``resolved`` columns.

    Examples
    --------
    >>> s = make_survey(300, random_state=0)
    >>> s.data.shape, sorted(s.blocks)[:2]
    ((300, 22), ['Expectation', 'Image'])
    """
    paths = DEFAULT_SURVEY_PATHS if paths is None else paths
    rng = np.random.default_rng(random_state)
    order = _order(paths)
    m = len(order)
    pos = {n: i for i, n in enumerate(order)}
    B = np.zeros((m, m))
    for target, sources in paths.items():
        for source, coef in sources.items():
            B[pos[target], pos[source]] = coef
    # implied covariance of standardized latents: Sigma = A Psi A', A = (I - B)^-1
    psi = np.zeros(m)
    sigma = np.zeros((m, m))
    for j in range(m):
        pred = np.flatnonzero(B[j])
        explained = float(B[j, pred] @ sigma[np.ix_(pred, pred)] @ B[j, pred]) if pred.size else 0.0
        if explained >= 1:
            raise ParameterError(
                f"the paths into {order[j]!r} explain {explained:.2f} of its variance (must be < 1). "
                "Fix: use smaller coefficients."
            )
        psi[j] = 1.0 - explained
        sigma[j, :j] = B[j, :j] @ sigma[:j, :j]
        sigma[:j, j] = sigma[j, :j]
        sigma[j, j] = 1.0
    eta = np.zeros((n_respondents, m))
    for j in range(m):
        eta[:, j] = eta[:, :j] @ B[j, :j] + rng.normal(0, np.sqrt(psi[j]), n_respondents)
    from scipy.stats import norm

    cuts = norm.ppf(np.linspace(0, 1, (levels or 2) + 1)[1:-1]) if levels else None
    columns: dict[str, np.ndarray] = {}
    blocks: dict[str, list[str]] = {}
    for j, name in enumerate(order):
        prefix = _PREFIX.get(name, name.upper()[:4])
        blocks[name] = []
        for h in range(1, n_indicators + 1):
            x = loading * eta[:, j] + np.sqrt(1 - loading**2) * rng.normal(size=n_respondents)
            col = f"{prefix}{h}"
            columns[col] = (np.digitize(x, cuts) + 1).astype(np.int64) if levels else x
            blocks[name].append(col)
    index = pd.RangeIndex(n_respondents, name="respondent_id")
    data = pd.DataFrame(columns, index=index)
    loyalty = eta[:, pos["Loyalty"]] if "Loyalty" in pos else eta[:, -1]
    satisfaction = eta[:, pos["Satisfaction"]] if "Satisfaction" in pos else eta[:, -1]
    rec = 0.85 * loyalty + np.sqrt(1 - 0.85**2) * rng.normal(size=n_respondents)
    data["recommend"] = np.digitize(rec, norm.ppf(np.linspace(0, 1, 12)[1:-1])).astype(np.int64)
    p = 1.0 / (1.0 + np.exp(-(complaint_intercept + complaint_slope * satisfaction)))
    complained = rng.uniform(size=n_respondents) < p
    days = np.where(complained, np.round(rng.gamma(2.0, 4.0, n_respondents), 1), np.nan)
    resolved = complained & (rng.uniform(size=n_respondents) >= 0.2)
    data["complained"] = complained
    data["resolution_days"] = days
    data["resolved"] = resolved
    # expected complaint rate: E[logistic(a + b Z)], Z ~ N(0, 1), by Gauss-Hermite quadrature
    z, w = np.polynomial.hermite_e.hermegauss(60)
    rate = float(np.sum(w / (1 + np.exp(-(complaint_intercept + complaint_slope * z)))) / np.sqrt(2 * np.pi))
    true = pd.DataFrame(
        [(s, t, c) for t, src in paths.items() for s, c in src.items()],
        columns=["source", "target", "coefficient"],
    )
    return SyntheticSurvey(
        data=data,
        blocks=blocks,
        paths={t: list(src) for t, src in paths.items()},
        true_paths=true,
        latent=pd.DataFrame(eta, index=index, columns=order),
        complaint_rate=rate,
        settings={"loading": loading, "n_indicators": n_indicators, "levels": levels},
    )

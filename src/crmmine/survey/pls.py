"""Partial least squares path modelling (PLS-PM) for satisfaction indices (ECSI / ACSI).

:class:`PLSPathModel` estimates a model of latent variables (image, expectations, quality,
value, satisfaction, complaints, loyalty, ...) each measured by a block of survey items:
outer weights and loadings, path coefficients and R-squared, total effects, reliability and
validity (Cronbach's alpha, composite reliability / Dillon-Goldstein's rho, rho_A, AVE, HTMT,
Fornell-Larcker), bootstrap intervals, and the index of every latent variable on a 0-100
scale from the rescaled outer weights (the ACSI/ECSI convention).

The algorithm (Wold 1982; Lohmoeller 1989; Tenenhaus et al. 2005) is written on numpy: no
maintained Python library exists (the ``plspm`` port, 0.5.7, does not run on pandas 3 and,
on the seminr test model, gives path coefficients 0.018 away from seminr's; see
``docs/survey.md``). crmmine reproduces seminr's published test values to 1e-6.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from crmmine._backend import to_pandas
from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, Options
from crmmine.errors import (
    ConvergenceError,
    DataError,
    DataWarning,
    ParameterError,
    SchemaError,
    bad_rows_error,
)
from crmmine.survey._pls import PLSFit, pls_fit, standardize
from crmmine.survey.quality import block_reliability, fornell_larcker, htmt

__all__ = ["ECSI_BLOCKS", "ECSI_PATHS", "PLSPathModel"]

#: Blocks of the ECSI model on the ``mobi`` survey (Tenenhaus et al. 2005).
ECSI_BLOCKS: dict[str, list[str]] = {
    "Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
    "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    "Quality": ["PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
    "Complaints": ["CUSCO"],
    "Loyalty": ["CUSL1", "CUSL2", "CUSL3"],
}

#: Structural model of the ECSI: each latent variable and its predecessors.
ECSI_PATHS: dict[str, list[str]] = {
    "Expectation": ["Image"],
    "Quality": ["Expectation"],
    "Value": ["Expectation", "Quality"],
    "Satisfaction": ["Image", "Expectation", "Quality", "Value"],
    "Complaints": ["Satisfaction"],
    "Loyalty": ["Image", "Satisfaction", "Complaints"],
}


def _parse_paths(paths: Any, latent: list[str]) -> np.ndarray:
    pairs: list[tuple[str, str]] = []
    if isinstance(paths, Mapping):
        for target, sources in paths.items():
            if isinstance(sources, str):
                sources = [sources]
            pairs.extend((s, target) for s in sources)
    else:
        for item in paths:
            if not (isinstance(item, tuple | list) and len(item) == 2):
                raise ParameterError(
                    f"paths must be a dict {{target: [sources]}} or a list of (source, target) pairs; "
                    f"got the item {item!r}."
                )
            pairs.append((item[0], item[1]))
    if not pairs:
        raise ParameterError(
            "paths is empty. Fix: give at least one path, e.g. {'Loyalty': ['Satisfaction']}."
        )
    index = {lv: i for i, lv in enumerate(latent)}
    adjacency = np.zeros((len(latent), len(latent)), dtype=bool)
    for source, target in pairs:
        unknown = [x for x in (source, target) if x not in index]
        if unknown:
            raise ParameterError(
                f"the path {source!r} -> {target!r} names {unknown}, which have no block. Latent "
                f"variables with blocks: {latent}. Fix: add a block for it or correct the name."
            )
        if source == target:
            raise ParameterError(f"the path {source!r} -> {target!r} points to itself.")
        adjacency[index[target], index[source]] = True
    # recursive (acyclic) models only
    remaining = set(range(len(latent)))
    while remaining:
        free = [j for j in remaining if not any(adjacency[j, k] for k in remaining)]
        if not free:
            cycle = sorted(latent[j] for j in remaining)
            raise ParameterError(
                f"the paths form a cycle among {cycle}; PLS path models must be recursive. Fix: "
                "remove one path of the loop."
            )
        remaining -= set(free)
    isolated = [latent[j] for j in range(len(latent)) if not adjacency[j].any() and not adjacency[:, j].any()]
    if isolated:
        raise ParameterError(
            f"latent variables {isolated} have a block but no path. Fix: connect them in paths= or "
            "drop their blocks."
        )
    return adjacency


class PLSPathModel(CRMMineEstimator):
    """A PLS path model (PLS-PM), e.g. the ECSI customer satisfaction index.

    Parameters
    ----------
    blocks : dict of str to list of str, optional
        Latent variable -> its indicator columns; default :data:`ECSI_BLOCKS` (the ECSI
        model's 24 indicators, as in the mobi survey).
    paths : dict of str to list of str, or list of (source, target), optional
        The structural model, which must be recursive; default :data:`ECSI_PATHS`.
        ``blocks`` and ``paths`` are given together or both left out.
    modes : "A", "B" or dict, default "A"
        Outer mode per latent variable: A (reflective, correlation weights) or B (formative,
        regression weights).
    scheme : {"path", "centroid", "factorial"}, default "path"
        Inner weighting scheme.
    scale : (low, high), optional
        Bounds of the response scale used for the 0-100 indices (e.g. ``(1, 10)``); default the
        smallest and largest value observed among the indicators.
    missing : {"raise", "drop"}, default "raise"
        Respondents with a missing indicator: raise, or drop them with a
        :class:`~crmmine.errors.DataWarning` (counted in ``n_dropped_``).
    n_bootstrap : int, default 0
        Bootstrap resamples for standard errors and percentile intervals (0 = none).
    confidence : float, default 0.95
    tol : float, default 1e-7
        Convergence: the largest change of an outer weight.
    max_iter : int, default 300
    random_state : int, Generator or None
        Seeds the bootstrap.
    n_jobs : int, optional
        BLAS threads (``None`` = 1).

    Attributes
    ----------
    latent_ : list of str
    outer_ : DataFrame
        Per indicator: ``latent, weight, loading`` (standardized), ``rescaled_weight`` (the
        weights on the raw scale, summing to 1 in each block), ``communality`` (loading^2).
    paths_ : DataFrame
        Per path: ``source, target, coefficient`` (and, with a bootstrap, ``std_error, t,
        lower, upper``).
    path_matrix_ : DataFrame
        ``path_matrix_.loc[target, source]``.
    r_squared_ : Series
        Endogenous latent variables.
    total_effects_ : DataFrame
        ``source, target, direct, indirect, total`` for every pair joined by a path chain.
    reliability_ : DataFrame
        ``alpha, rho_c, rho_a, ave`` per latent variable.
    htmt_ : DataFrame
    fornell_larcker_ : DataFrame
    scores_ : DataFrame
        Standardized latent scores per respondent (index kept).
    index_ : Series
        Mean 0-100 index per latent variable (ACSI/ECSI style).
    bootstrap_ : DataFrame or None
        Bootstrap summary of paths, loadings, weights, total effects and R-squared:
        ``kind, name, estimate, boot_mean, std_error, t, lower, upper``.
    n_iter_ : int

    See Also
    --------
    importance_performance : the drivers of a construct, from the fitted total effects.
    satisfaction_loyalty : respondents on the satisfaction-loyalty grid.
    make_survey : a survey with a known structure to try the model on.
    crmmine.datasets.load_mobi : the ECSI survey the default blocks and paths describe.

    Examples
    --------
    >>> from crmmine.survey import make_survey
    >>> s = make_survey(n_respondents=400, random_state=0)
    >>> model = PLSPathModel(s.blocks, s.paths, scale=(1, 10)).fit(s.data)
    >>> model.r_squared_.round(2).to_dict()
    {'Expectation': 0.25, 'Quality': 0.24, 'Value': 0.28, 'Satisfaction': 0.37, 'Loyalty': 0.36}
    >>> sorted(model.reliability_.columns)
    ['alpha', 'ave', 'rho_a', 'rho_c']

    References
    ----------
    Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M. and Lauro, C. (2005). PLS path modeling.
    *Computational Statistics & Data Analysis* 48(1), 159-205.
    Lohmoeller, J.-B. (1989). *Latent Variable Path Modeling with Partial Least Squares*.
    Physica, Heidelberg.
    Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J. and Bryant, B. E. (1996). The American
    Customer Satisfaction Index: nature, purpose, and findings. *Journal of Marketing* 60(4), 7-18.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "blocks": [None, dict],
        "paths": [None, dict, list, tuple],
        "modes": [Options({"A", "B"}), dict],
        "scheme": [Options({"path", "centroid", "factorial"})],
        "scale": [None, tuple, list],
        "missing": [Options({"raise", "drop"})],
        "n_bootstrap": [Interval(Integral, 0, None)],
        "confidence": [Interval(Real, 0, 1, closed="neither")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None)],
        "random_state": ["random_state"],
        "n_jobs": [None, Interval(Integral, -1, None)],
    }

    def __init__(
        self,
        blocks: Mapping[str, Sequence[str]] | None = None,
        paths: Mapping[str, Sequence[str]] | Sequence[tuple[str, str]] | None = None,
        *,
        modes: str | Mapping[str, str] = "A",
        scheme: str = "path",
        scale: tuple[float, float] | None = None,
        missing: str = "raise",
        n_bootstrap: int = 0,
        confidence: float = 0.95,
        tol: float = 1e-7,
        max_iter: int = 300,
        random_state: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.blocks = blocks
        self.paths = paths
        self.modes = modes
        self.scheme = scheme
        self.scale = scale
        self.missing = missing
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state
        self.n_jobs = n_jobs

    # ----------------------------------------------------------------- spec
    def _spec(self) -> tuple[list[str], dict[str, list[str]], np.ndarray, np.ndarray]:
        blocks: dict[str, list[str]] = {}
        if (self.blocks is None) != (self.paths is None):
            raise ParameterError(
                "blocks and paths go together: give both, or neither for the ECSI model. "
                "Fix: pass paths= for your blocks (or blocks= for your paths)."
            )
        spec_blocks = ECSI_BLOCKS if self.blocks is None else self.blocks
        spec_paths = ECSI_PATHS if self.paths is None else self.paths
        if not spec_blocks:
            raise ParameterError("blocks is empty. Fix: map each latent variable to its indicator columns.")
        for lv, cols in spec_blocks.items():
            if isinstance(cols, str):
                cols = [cols]
            cols = list(cols)
            if not cols:
                raise ParameterError(f"the block of {lv!r} has no indicator. Fix: list its columns.")
            if len(set(cols)) != len(cols):
                raise ParameterError(f"the block of {lv!r} lists an indicator twice: {cols}.")
            blocks[str(lv)] = cols
        owner: dict[str, str] = {}
        for lv, cols in blocks.items():
            for c in cols:
                if c in owner:
                    raise ParameterError(
                        f"indicator {c!r} is in the blocks of both {owner[c]!r} and {lv!r}. Fix: give "
                        "each indicator to one latent variable."
                    )
                owner[c] = lv
        latent = list(blocks)
        adjacency = _parse_paths(spec_paths, latent)
        if isinstance(self.modes, Mapping):
            unknown = sorted(set(self.modes) - set(latent))
            if unknown:
                raise ParameterError(f"modes names {unknown}, which have no block.")
            bad = {k: v for k, v in self.modes.items() if v not in ("A", "B")}
            if bad:
                raise ParameterError(f"modes must be 'A' or 'B'; got {bad}.")
            mode_b = np.array([self.modes.get(lv, "A") == "B" for lv in latent])
        else:
            mode_b = np.full(len(latent), self.modes == "B")
        return latent, blocks, adjacency, mode_b

    def _data(self, X: Any, blocks: dict[str, list[str]], *, fitting: bool) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            X = to_pandas(X, what="survey")
        cols = [c for b in blocks.values() for c in b]
        missing_cols = [c for c in cols if c not in X.columns]
        if missing_cols:
            first = missing_cols[0]
            lv = next(lv for lv, b in blocks.items() if first in b)
            close = difflib.get_close_matches(first, [str(c) for c in X.columns], n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise SchemaError(
                f"the survey is missing indicator column(s) {missing_cols}; {first!r} of block {lv!r} is "
                f"not a column{hint}. Fix: correct the name in blocks= or rename the survey's column."
            )
        if X.columns.has_duplicates:
            dup = X.columns[X.columns.duplicated()].unique().tolist()
            raise SchemaError(f"the survey has duplicated column names {dup}. Fix: rename them.")
        frame = X[cols]
        for c in cols:
            if not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]):
                raise SchemaError(
                    f"indicator {c!r} is not numeric (dtype {frame[c].dtype}). Fix: code the answers "
                    "as numbers on the response scale (e.g. 1-10)."
                )
        values = frame.to_numpy(dtype="float64", na_value=np.nan)
        inf = np.isinf(values)
        if inf.any():
            j = int(np.flatnonzero(inf.any(axis=0))[0])
            bad = inf[:, j]
            raise bad_rows_error(cols[j], "infinite answers", frame.loc[bad, cols[j]], int(bad.sum()),
                                 "replace them with valid answers or NaN.")
        nan_rows = np.isnan(values).any(axis=1)
        if nan_rows.any():
            j = int(np.flatnonzero(np.isnan(values).any(axis=0))[0])
            if self.missing == "raise" or not fitting:
                raise bad_rows_error(
                    cols[j], f"missing answers ({int(nan_rows.sum())} respondents with at least one)",
                    frame.loc[np.isnan(values[:, j]), cols], int(np.isnan(values[:, j]).sum()),
                    "drop those respondents (missing='drop') or impute their answers first.",
                )
            warnings.warn(
                f"{int(nan_rows.sum()):,} respondents with missing answers were dropped "
                f"(missing='drop'), e.g. ids {frame.index[nan_rows][:5].tolist()}.",
                DataWarning,
                stacklevel=3,
            )
            frame = frame.loc[~nan_rows]
        if fitting:
            if len(frame) < 10:
                raise DataError(
                    f"the survey has {len(frame)} complete respondents; PLS-PM needs many more (at "
                    "least 10, and ten times the largest number of arrows into a latent variable). "
                    "Fix: collect more responses."
                )
            sd = frame.std(ddof=1)
            constant = sd.index[(sd == 0) | sd.isna()].tolist()
            if constant:
                c = constant[0]
                raise bad_rows_error(
                    c, f"the same answer from every respondent ({frame[c].iloc[0]!r}); it carries no "
                    "information and cannot be standardized", frame[c].head(), len(frame),
                    f"drop {c!r} from its block (constant indicators: {constant}).",
                )
        return frame

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any = None) -> PLSPathModel:
        """Estimate the model on survey answers ``X`` (one row per respondent).

        Parameters
        ----------
        X : DataFrame
            Indicator columns named in ``blocks`` (other columns are ignored).
        y : ignored

        Returns
        -------
        self
        """
        self._validate_params()
        latent, blocks, adjacency, mode_b = self._spec()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._fit(X, latent, blocks, adjacency, mode_b)
        self._record_warnings(caught)
        return self

    def _fit(self, X: Any, latent: list[str], blocks: dict[str, list[str]], adjacency: np.ndarray,
             mode_b: np.ndarray) -> None:
        frame = self._data(X, blocks, fitting=True)
        self.n_dropped_ = len(X) - len(frame)
        cols = [c for b in blocks.values() for c in b]
        block_of = np.repeat(np.arange(len(latent)), [len(blocks[lv]) for lv in latent])
        raw = frame.to_numpy(dtype="float64")
        low, high = self._scale_bounds(raw)
        Xs, mean, sd = standardize(raw)
        with threadpool_limits(limits=max(1, self.n_jobs or 1)):
            res = pls_fit(Xs, block_of, adjacency, mode_b, self.scheme, tol=self.tol, max_iter=self.max_iter)
            if not res.converged:
                raise ConvergenceError(
                    f"PLS-PM did not converge in {self.max_iter} iterations (scheme {self.scheme!r}). "
                    "Fix: raise max_iter, try scheme='centroid', or check blocks whose indicators are "
                    "nearly uncorrelated."
                )
            self._store(res, frame, latent, blocks, cols, block_of, adjacency, mean, sd, low, high, Xs)
            self.bootstrap_ = (self._bootstrap(Xs, block_of, adjacency, mode_b, res)
                               if self.n_bootstrap else None)
        if self.bootstrap_ is not None:
            paths = self.bootstrap_[self.bootstrap_["kind"] == "path"].set_index("name")
            key = self.paths_["source"] + " -> " + self.paths_["target"]
            for col in ("std_error", "t", "lower", "upper"):
                self.paths_[col] = paths[col].reindex(key).to_numpy()

    def _scale_bounds(self, raw: np.ndarray) -> tuple[float, float]:
        if self.scale is None:
            low, high = float(raw.min()), float(raw.max())
        else:
            if len(self.scale) != 2:
                raise ParameterError(f"scale must be (low, high), got {self.scale!r}.")
            low, high = float(self.scale[0]), float(self.scale[1])
            outside = (raw < low) | (raw > high)
            if outside.any():
                raise DataError(
                    f"{int(outside.sum()):,} answers lie outside scale={self.scale!r} (observed "
                    f"{raw.min():g} to {raw.max():g}). Fix: pass the scale the questions used."
                )
        if not high > low:
            raise ParameterError(f"scale must have low < high, got ({low}, {high}).")
        return low, high

    def _store(self, res: PLSFit, frame: pd.DataFrame, latent: list[str], blocks: dict[str, list[str]],
               cols: list[str], block_of: np.ndarray, adjacency: np.ndarray, mean: np.ndarray,
               sd: np.ndarray, low: float, high: float, Xs: np.ndarray) -> None:
        self.latent_ = latent
        self.blocks_ = blocks
        self.indicators_ = cols
        self.n_iter_ = res.n_iter
        self.scale_ = (low, high)
        self._block_of, self._adjacency, self._mean, self._sd = block_of, adjacency, mean, sd
        self._weights = res.weights
        rescaled = res.weights / sd
        sums = np.bincount(block_of, weights=rescaled)
        rescaled = rescaled / sums[block_of]
        self.outer_ = pd.DataFrame(
            {"latent": [latent[j] for j in block_of], "weight": res.weights, "loading": res.loadings,
             "rescaled_weight": rescaled, "communality": res.loadings**2},
            index=pd.Index(cols, name="indicator"),
        )
        negative = sorted({latent[j] for j in block_of[rescaled < 0]})
        if negative:
            warnings.warn(
                f"latent variables {negative} have negative rescaled weights: their 0-100 index is "
                "not a weighted average of answers. Fix: check reverse-coded items.",
                DataWarning,
                stacklevel=3,
            )
        self.scores_ = pd.DataFrame(res.scores, index=frame.index, columns=latent)
        B = res.paths
        self.path_matrix_ = pd.DataFrame(B, index=latent, columns=latent)
        rows = [(latent[k], latent[j], B[j, k]) for j in range(len(latent)) for k in range(len(latent))
                if adjacency[j, k]]
        self.paths_ = pd.DataFrame(rows, columns=["source", "target", "coefficient"])
        endo = [lv for j, lv in enumerate(latent) if adjacency[j].any()]
        self.r_squared_ = pd.Series(res.r_squared[[latent.index(lv) for lv in endo]], index=endo,
                                    name="r_squared")
        self.total_effects_ = self._effects(B)
        R = np.corrcoef(Xs, rowvar=False)
        rel = {}
        for j, lv in enumerate(latent):
            b = block_of == j
            rel[lv] = block_reliability(R[np.ix_(b, b)], res.loadings[b], res.weights[b])
        self.reliability_ = pd.DataFrame.from_dict(rel, orient="index")
        self.htmt_ = htmt(pd.DataFrame(R, index=cols, columns=cols), blocks)
        self.fornell_larcker_ = fornell_larcker(self.scores_, self.reliability_["ave"])
        self.index_scores_ = self._index_scores(frame.to_numpy(dtype="float64"), frame.index)
        self.index_ = self.index_scores_.mean().rename("index")

    def _effects(self, B: np.ndarray) -> pd.DataFrame:
        m = B.shape[0]
        total = np.linalg.inv(np.eye(m) - B) - np.eye(m)
        rows = []
        for j in range(m):
            for k in range(m):
                if abs(total[j, k]) > 0 or self._adjacency[j, k]:
                    rows.append((self.latent_[k], self.latent_[j], B[j, k], total[j, k] - B[j, k],
                                 total[j, k]))
        return pd.DataFrame(rows, columns=["source", "target", "direct", "indirect", "total"])

    def _index_scores(self, raw: np.ndarray, index: pd.Index) -> pd.DataFrame:
        low, high = self.scale_
        rescaled = self.outer_["rescaled_weight"].to_numpy()
        scaled = (raw - low) / (high - low) * 100.0
        out = np.zeros((raw.shape[0], len(self.latent_)))
        np.add.at(out.T, self._block_of, (scaled * rescaled).T)
        return pd.DataFrame(out, index=index, columns=self.latent_)

    def _bootstrap(self, Xs: np.ndarray, block_of: np.ndarray, adjacency: np.ndarray, mode_b: np.ndarray,
                   res: PLSFit) -> pd.DataFrame:
        rng = np.random.default_rng(self.random_state)
        n = Xs.shape[0]
        m = adjacency.shape[0]
        pairs = np.argwhere(adjacency)  # (target, source)
        draws_path, draws_load, draws_w, draws_tot, draws_r2 = [], [], [], [], []
        failed = 0
        for _ in range(int(self.n_bootstrap)):  # loop over resamples, each fit vectorised
            rows = rng.integers(0, n, n)
            sample = Xs[rows]
            sd = sample.std(axis=0, ddof=1)
            if np.any(sd == 0):
                failed += 1
                continue
            sample = (sample - sample.mean(axis=0)) / sd
            fit = pls_fit(sample, block_of, adjacency, mode_b, self.scheme, tol=self.tol,
                          max_iter=self.max_iter, start=res.weights)
            if not fit.converged:
                failed += 1
                continue
            draws_path.append(fit.paths[pairs[:, 0], pairs[:, 1]])
            draws_load.append(fit.loadings)
            draws_w.append(fit.weights)
            draws_tot.append((np.linalg.inv(np.eye(m) - fit.paths) - np.eye(m)).ravel())
            draws_r2.append(fit.r_squared)
        if failed:
            warnings.warn(
                f"{failed} of {self.n_bootstrap} bootstrap resamples were skipped (a constant "
                "indicator or no convergence); intervals use the others.",
                DataWarning,
                stacklevel=3,
            )
        if len(draws_path) < 2:
            raise DataError("fewer than 2 bootstrap resamples could be fitted; no interval can be given.")
        alpha = (1 - self.confidence) / 2
        latent = self.latent_
        total = np.linalg.inv(np.eye(m) - res.paths) - np.eye(m)
        tot_mask = (np.abs(total) > 0).ravel()
        tot_names = [f"{latent[k]} -> {latent[j]}" for j in range(m) for k in range(m)]
        endo = [j for j in range(m) if adjacency[j].any()]
        parts = [
            ("path", [f"{latent[k]} -> {latent[j]}" for j, k in pairs], res.paths[pairs[:, 0], pairs[:, 1]],
             np.array(draws_path)),
            ("loading", self.indicators_, res.loadings, np.array(draws_load)),
            ("weight", self.indicators_, res.weights, np.array(draws_w)),
            ("total_effect", [t for t, keep in zip(tot_names, tot_mask) if keep], total.ravel()[tot_mask],
             np.array(draws_tot)[:, tot_mask]),
            ("r_squared", [latent[j] for j in endo], res.r_squared[endo], np.array(draws_r2)[:, endo]),
        ]
        frames = []
        for kind, names, estimate, draws in parts:
            std = draws.std(axis=0, ddof=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                t = np.where(std > 0, estimate / std, np.nan)
            frames.append(pd.DataFrame({
                "kind": kind, "name": names, "estimate": estimate, "boot_mean": draws.mean(axis=0),
                "std_error": std, "t": t, "lower": np.quantile(draws, alpha, axis=0),
                "upper": np.quantile(draws, 1 - alpha, axis=0),
            }))
        self.n_bootstrap_used_ = len(draws_path)
        return pd.concat(frames, ignore_index=True)

    # -------------------------------------------------------------- results
    def transform(self, X: Any) -> pd.DataFrame:
        """Standardized latent scores of (new) respondents with the fitted weights."""
        self._check_fitted()
        frame = self._data(X, self.blocks_, fitting=False)
        Xs = (frame.to_numpy(dtype="float64") - self._mean) / self._sd
        out = np.zeros((len(frame), len(self.latent_)))
        np.add.at(out.T, self._block_of, (Xs * self._weights).T)
        return pd.DataFrame(out, index=frame.index, columns=self.latent_)

    def index_scores(self, X: Any = None) -> pd.DataFrame:
        """0-100 index of every latent variable per respondent (the training ones by default)."""
        self._check_fitted()
        if X is None:
            return self.index_scores_.copy()
        frame = self._data(X, self.blocks_, fitting=False)
        return self._index_scores(frame.to_numpy(dtype="float64"), frame.index)

    def summary(self) -> pd.DataFrame:
        """Per latent variable: mean 0-100 index, R-squared and reliability."""
        self._check_fitted()
        out = pd.DataFrame({"index": self.index_, "r_squared": self.r_squared_.reindex(self.latent_)})
        return out.join(self.reliability_)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Path coefficients as horizontal bars (with bootstrap intervals when available)."""
        self._check_fitted()
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.35 * len(self.paths_) + 1))
        labels = self.paths_["source"] + " -> " + self.paths_["target"]
        pos = np.arange(len(labels))[::-1]
        coef = self.paths_["coefficient"].to_numpy()
        if "lower" in self.paths_:
            err = np.vstack([coef - self.paths_["lower"], self.paths_["upper"] - coef])
            ax.barh(pos, coef, xerr=err, color="#6baed6", **kwargs)
        else:
            ax.barh(pos, coef, color="#6baed6", **kwargs)
        ax.set_yticks(pos, labels, fontsize=8)
        ax.axvline(0, color="grey", linewidth=0.8)
        ax.set_xlabel("path coefficient")
        return ax

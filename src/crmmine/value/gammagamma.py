"""Gamma-Gamma model of average transaction value."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

import narwhals as nw
import numpy as np
import pandas as pd
from scipy.special import gammaln

import crmmine._backend as _backend
from crmmine._backend import collect_pandas, to_lazy
from crmmine._params import Options
from crmmine.data.columns import require_columns, resolve_columns
from crmmine.errors import CRMMineWarning, DataError, DataWarning, ParameterError, bad_rows_error
from crmmine.value import _engine
from crmmine.value._base import HOMOGENEOUS_SHAPE, LOG_BOUND, BTYDModel, _read_weights, check_summary
from crmmine.value._boundary import homogeneous
from crmmine.value._fitting import CompressedData, compress_rows
from crmmine.value.simulate import rng_from, simulate_spend

__all__ = ["GammaGamma"]


class GammaGamma(BTYDModel):
    """Gamma-Gamma spend model (Colombo & Jiang 1999; Fader, Hardie & Lee 2005).

    A customer's transaction values are gamma with shape ``p`` and rate ``nu``, and
    ``nu ~ Gamma(q, gamma)`` varies across customers; the model assumes spend is
    independent of the purchase process. Only repeat purchases are used (the first
    purchase day is left out, as in the literature). :meth:`fit` uses each customer's
    number of repeat purchases and their mean value (the summary's
    ``repeat_monetary_mean``); :meth:`fit_transactions` uses the individual transaction
    values, which also carry the spread of each customer's spend.

    Parameters
    ----------
    penalizer, n_starts, tol, max_iter, warm_start, n_jobs
        As in :class:`~crmmine.value.BGNBD`.
    q_constraint : bool, default False
        Search only ``q > 1``, where the population mean spend ``p gamma / (q - 1)`` (the
        prediction for customers without repeat purchases) is finite.
    nonpositive : {"drop", "raise"}, default "drop"
        Repeat customers whose spend is zero or negative (a zero-valued purchase, returns netted
        in): leave them out of the fit with a ``DataWarning`` that names them (counted in
        ``n_excluded_nonpositive_``; their expected spend is still predicted), or raise a
        ``DataError`` listing them. The gamma distribution has no mass at zero, so such customers
        cannot enter the likelihood.

    Attributes
    ----------
    params_ : pandas.Series
        ``p``, ``q``, ``gamma``.
    n_excluded_ : int
        Customers left out of the fit because they have no repeat purchase.
    n_excluded_nonpositive_ : int
        Repeat customers left out under ``nonpositive="drop"``.
    fitted_on_ : {"summary", "transactions"}
        Which likelihood was maximised.
    log_likelihood_, standard_errors_, covariance_, convergence_, warnings_, boundary_, input_columns_
        As in :class:`~crmmine.value.BGNBD`.

    See Also
    --------
    BGNBD, ParetoNBD, MBGNBD : transaction models it is combined with.
    clv : lifetime value from a transaction model and this spend model.
    crmmine.customer_summary : gives ``frequency`` and ``repeat_monetary_mean``.

    Examples
    --------
    >>> import pandas as pd
    >>> gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    >>> s = pd.DataFrame({"frequency": [0, 4], "repeat_monetary_mean": [0.0, 50.0]})
    >>> gg.expected_spend(s).round(2).tolist()
    [35.22, 48.54]

    References
    ----------
    Colombo, R. and Jiang, W. (1999). A stochastic RFM model. *Journal of Interactive
    Marketing* 13(3), 2-12.
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves
    for customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
    """

    _param_names = ("p", "q", "gamma")
    _roles: ClassVar[dict[str, str]] = {"frequency": "frequency", "spend": "repeat_monetary_mean"}
    _lifetimes_class = "GammaGammaFitter"
    _lifetimes_names: ClassVar[dict[str, str]] = {"gamma": "v"}
    _model_name = "Gamma-Gamma"
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **BTYDModel._parameter_constraints,
        "q_constraint": ["boolean"],
        "nonpositive": [Options({"raise", "drop"})],
    }

    def __init__(
        self,
        penalizer: float = 0.0,
        n_starts: int = 3,
        tol: float = 1e-12,
        max_iter: int = 2000,
        warm_start: Any = None,
        q_constraint: bool = False,
        nonpositive: str = "drop",
        n_jobs: int | None = None,
    ) -> None:
        super().__init__(
            penalizer=penalizer, n_starts=n_starts, tol=tol, max_iter=max_iter, warm_start=warm_start,
            n_jobs=n_jobs,
        )
        self.q_constraint = q_constraint
        self.nonpositive = nonpositive

    # -- parameter transform: q = 1 + exp(z) under the constraint ---------------------
    def _shift(self) -> np.ndarray:
        return np.array([0.0, 1.0 if self.q_constraint else 0.0, 0.0])

    def _to_natural(self, z: np.ndarray) -> np.ndarray:
        return np.exp(z) + self._shift()

    def _to_search(self, theta: np.ndarray) -> np.ndarray:
        excess = np.asarray(theta, dtype="float64") - self._shift()
        if np.any(excess <= 0):
            raise ParameterError("warm_start must have q > 1 when q_constraint=True.")
        return np.log(excess)

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        if "spend" in data.columns:
            m = max(float(np.average(data.columns["spend"], weights=data.weights)), 1e-6)
        else:
            means = data.columns["total"] / data.columns["frequency"]
            m = max(float(np.average(means, weights=data.weights)), 1e-6)
        points = ([2.0, 2.0, m], [1.0, 1.0, 1.0], [5.0, 3.0, m * 3])
        return [self._to_search(np.array(p) + self._shift()) for p in points]

    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        p, q, g = theta
        x = cols["frequency"]
        if "total" in cols:  # individual transaction values: their sum and the sum of their logs
            return (
                (p - 1.0) * cols["log_total"]
                - x * gammaln(p)
                + q * np.log(g)
                - gammaln(q)
                + gammaln(p * x + q)
                - (p * x + q) * np.log(g + cols["total"])
            )
        m = cols["spend"]
        return (
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(g)
            + (p * x - 1.0) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(g + m * x)
        )

    def _nonpositive(self, bad: np.ndarray, examples: pd.DataFrame, column: str) -> np.ndarray:
        """Apply the ``nonpositive`` policy; returns the rows to drop."""
        self.n_excluded_nonpositive_ = 0
        if not bad.any():
            return bad
        n = int(bad.sum())
        if self.nonpositive == "drop":
            self.n_excluded_nonpositive_ = n
            shown = "\n".join("    " + line for line in examples.head(5).to_string().splitlines())
            warnings.warn(
                f"column {column!r}: {n:,} customer{'s' if n > 1 else ''} with repeat purchases but zero or "
                f"negative spend left out of the Gamma-Gamma fit (the gamma distribution has no mass at 0); "
                f"their expected spend is still predicted. Examples:\n{shown}\nFix: drop returns and "
                "zero-valued purchases first, or pass GammaGamma(nonpositive='raise') to make this an "
                "error.",
                DataWarning,
                stacklevel=5,
            )
            return bad
        raise bad_rows_error(
            column,
            "zero or negative spend for customers with repeat purchases",
            examples,
            n,
            "the model needs positive transaction values: drop returns and zero-valued purchases first, "
            "build the summary with count='days', or pass GammaGamma(nonpositive='drop') to fit without "
            "these customers",
        )

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        weights: Any = None,
        columns: Mapping[str, str] | None = None,
        frequency: str | None = None,
        spend: str | None = None,
    ):
        """Fit on the customers with repeat purchases (``frequency > 0``) of a customer summary.

        Parameters
        ----------
        summary : table
            Customer summary (build it with ``count="days"``): pandas, or a polars, DuckDB or
            Spark table with the customer id first (the repeat customers' (frequency, spend)
            rows are compressed inside the engine; weights by column name).
        weights : str, Series or array, optional
            Row weights.
        columns : mapping, optional
            Role -> column name for the roles ``frequency`` and ``spend``.
        frequency, spend : str, optional
            Repeat-purchase count and mean value of the repeat purchases (defaults
            ``frequency`` and ``repeat_monetary_mean``).

        Returns
        -------
        self

        Raises
        ------
        DataError
            No customer has a repeat purchase, or (``nonpositive="raise"``) a repeat customer's
            spend is zero or negative.

        Warns
        -----
        DataWarning
            Repeat customers with zero or negative spend were left out (``nonpositive="drop"``).
        """

        def body() -> None:
            names = self._column_names(columns, False, frequency=frequency, spend=spend)
            if _backend.is_engine(summary):
                self._fit_engine(summary, names, weights)
                return
            cols = self._read_spend_inputs(summary, names)
            keep = cols["frequency"] > 0
            if not keep.any():
                raise bad_rows_error(
                    names["frequency"],
                    "no repeat purchase for any customer (frequency 0 everywhere): "
                    "there is no repeat spend to learn from",
                    summary[[names["frequency"]]].head(5),
                    len(summary),
                    "use a longer period, or give each customer's repeat purchases",
                )
            bad = keep & (cols["spend"] <= 0)
            drop = self._nonpositive(
                bad, summary.loc[bad, [names["frequency"], names["spend"]]], names["spend"]
            )
            keep &= ~drop
            w = _read_weights(summary, weights)
            self.n_excluded_ = int((cols["frequency"] == 0).sum())
            self.input_columns_ = names
            self.fitted_on_ = "summary"
            data = compress_rows({k: v[keep] for k, v in cols.items()}, None if w is None else w[keep])
            self._fit_compressed(_engine.canonical(data))

        return self._fit_recording(body)

    def _engine_checks(self, names: dict[str, str]) -> list:
        """The checks of :meth:`_read_spend_inputs` as engine expressions."""
        f = nw.col(names["frequency"]).cast(nw.Float64)
        m = nw.col(names["spend"]).cast(nw.Float64)
        return [
            _backend.Check(names["frequency"], ~f.is_finite() | (f < 0) | (f != f.floor()),
                           "missing, negative or non-integer repeat-purchase counts",
                           "frequency counts repeat purchases: build the summary with "
                           "crmmine.customer_summary"),
            _backend.Check(names["spend"], ~m.is_finite(), "missing or infinite spend",
                           "fill or remove those rows (the summary gives 0 for customers without repeat "
                           "purchases)"),
        ]

    def _fit_engine(self, summary: Any, names: dict[str, str], weights: Any) -> None:
        """Fit on an engine summary: the repeat customers' (frequency, spend) rows are compressed
        inside the engine and only the distinct rows with their weights are collected."""
        f = nw.col(names["frequency"]).cast(nw.Float64)
        m = nw.col(names["spend"]).cast(nw.Float64)
        table = _backend.customer_table(summary, what="customer summary", needed=list(names.values()))
        require_columns(table.columns, list(names.values()), role="customer summary")
        _backend.numeric_columns(table.lf, list(names.values()), what="customer summary",
                                 fix="build the summary with crmmine.customer_summary")
        stats = _backend.checked_aggregates(
            table.lf, table.id_name, self._engine_checks(names),
            {"n": nw.len(), "zero": (f == 0).cast(nw.Int64).sum(), "repeat": (f > 0).cast(nw.Int64).sum(),
             "bad": ((f > 0) & (m <= 0)).cast(nw.Int64).sum()})
        if not int(stats["n"] or 0):
            raise DataError("Gamma-Gamma: the summary is empty (0 rows). Fix: check the input.")
        if not int(stats["repeat"] or 0):
            raise bad_rows_error(
                names["frequency"],
                "no repeat purchase for any customer (frequency 0 everywhere): "
                "there is no repeat spend to learn from",
                _engine.row_examples(table, nw.lit(True), [names["frequency"]]),
                int(stats["n"]),
                "use a longer period, or give each customer's repeat purchases",
            )
        n_bad = int(stats["bad"] or 0)
        bad_rows = (f > 0) & (m <= 0)
        examples = _engine.row_examples(table, bad_rows, [names["frequency"], names["spend"]]) if n_bad \
            else pd.DataFrame()
        self._nonpositive(np.ones(n_bad, dtype=bool), examples, names["spend"])
        keep = (f > 0) & ~bad_rows
        _, rows = _engine.compressed_rows(summary, names, weights, self._model_name, [], keep=keep)
        self.n_excluded_ = int(stats["zero"] or 0)
        self.input_columns_ = names
        self.fitted_on_ = "summary"
        self._fit_compressed(_engine.to_compressed(rows, list(names), int(rows["_rows"].sum())))

    def _read_spend_inputs(self, summary: pd.DataFrame, names: dict[str, str]) -> dict[str, np.ndarray]:
        check_summary(summary, list(names.values()), self._model_name, names)
        if len(summary) == 0:
            raise DataError("Gamma-Gamma: the summary is empty (0 rows). Fix: check the input.")
        freq = pd.to_numeric(summary[names["frequency"]], errors="coerce").to_numpy(dtype="float64")
        spend = pd.to_numeric(summary[names["spend"]], errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(freq) | (freq < 0) | (freq != np.floor(freq))
        if bad.any():
            raise bad_rows_error(
                names["frequency"],
                "missing, negative or non-integer repeat-purchase counts",
                summary.loc[bad, [names["frequency"]]],
                int(bad.sum()),
                "frequency counts repeat purchases: build the summary with crmmine.customer_summary",
            )
        bad = ~np.isfinite(spend)
        if bad.any():
            raise bad_rows_error(
                names["spend"],
                "missing or infinite spend",
                summary.loc[bad, [names["spend"]]],
                int(bad.sum()),
                "fill or remove those rows (the summary gives 0 for customers without repeat purchases)",
            )
        return {"frequency": freq, "spend": spend}

    def fit_transactions(
        self,
        transactions: Any,
        *,
        columns: Mapping[str, str] | None = None,
        customer_id: str | None = None,
        date: str | None = None,
        amount: str | None = None,
    ):
        """Fit on the individual values of each customer's repeat purchases.

        Purchases are customer-days (several orders on one day are one purchase, their amounts
        summed, as ``count="days"`` does); each customer's first purchase day is left out. The
        likelihood of a customer's repeat values ``z_1..z_x`` integrates the customer-level rate
        ``nu`` out of the product of gamma densities:

        ``(p - 1) sum log z - x log Gamma(p) + q log gamma - log Gamma(q)
        + log Gamma(p x + q) - (p x + q) log(gamma + sum z)``

        Unlike :meth:`fit`, which sees only the mean, it also uses the spread of each customer's
        values, which pins down ``p``.

        Parameters
        ----------
        transactions : table
            Clean transactions (pandas, polars, DuckDB or PySpark).
        columns, customer_id, date, amount : optional
            Column names (see :func:`crmmine.data.columns.resolve_columns`).

        Returns
        -------
        self

        References
        ----------
        Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value
        (the individual-level model before averaging). http://brucehardie.com/notes/025/
        """

        def body() -> None:
            cols = resolve_columns(columns, customer_id=customer_id, date=date, amount=amount)
            lf = to_lazy(transactions, what="transactions")
            require_columns(
                lf.collect_schema().names(), [cols.customer_id, cols.date, cols.amount], role="transactions"
            )
            lines = lf.select(
                nw.col(cols.customer_id).alias("customer_id"),
                nw.col(cols.date).dt.truncate("1d").alias("day"),
                nw.col(cols.amount).cast(nw.Float64).alias("amount"),
            )
            for role, column in (
                ("customer_id", cols.customer_id),
                ("day", cols.date),
                ("amount", cols.amount),
            ):
                bad = lines.filter(nw.col(role).is_null())
                n_bad = int(collect_pandas(bad.select(nw.len())).iloc[0, 0])
                if n_bad:
                    raise bad_rows_error(
                        column,
                        "missing values",
                        collect_pandas(bad.head(5)),
                        n_bad,
                        "clean the log first with clean_transactions(...)",
                    )
            days = collect_pandas(lines.group_by(["customer_id", "day"]).agg(nw.col("amount").sum()))
            if days.empty:
                raise DataError("the transaction table is empty (0 rows). Fix: check the input.")
            days = days.sort_values(["customer_id", "day"], kind="stable")
            repeat = days[days.duplicated("customer_id", keep="first")]
            customers = days["customer_id"].nunique()
            if repeat.empty:
                raise bad_rows_error(
                    cols.date,
                    "no repeat purchase day for any customer: there is no repeat spend to learn from",
                    days.head(5),
                    customers,
                    "use a longer period of transactions",
                )
            nonpos = repeat.groupby("customer_id", sort=False)["amount"].min() <= 0
            drop_ids = self._nonpositive(
                nonpos.to_numpy(),
                repeat[repeat["customer_id"].isin(nonpos.index[nonpos])].head(5),
                cols.amount,
            )
            repeat = repeat[~repeat["customer_id"].isin(nonpos.index[drop_ids])]
            grouped = repeat.assign(log_amount=np.log(repeat["amount"].to_numpy())).groupby(
                "customer_id", sort=False
            )
            per = grouped.agg(
                frequency=("amount", "size"), total=("amount", "sum"), log_total=("log_amount", "sum")
            )
            self.n_excluded_ = int(customers - nonpos.shape[0])
            self.input_columns_ = dict(self._roles)
            self.fitted_on_ = "transactions"
            data = compress_rows(
                {k: per[k].to_numpy(dtype="float64") for k in ("frequency", "total", "log_total")}
            )
            self._fit_compressed(data)

        return self._fit_recording(body)

    def _collapse_checks(self, theta, data):
        p, q, g = theta
        findings = []
        if self.q_constraint and q - 1.0 < np.exp(-(LOG_BOUND - 1.0)) * 10:
            findings.append(
                (
                    ("q",),
                    "q ran to its bound 1",
                    (
                        f"Gamma-Gamma fit at a boundary: q = {q:.6g} ran to the bound q > 1 set by "
                        "q_constraint=True; the population mean spend p gamma / (q - 1) is then huge and "
                        "predictions for customers "
                        f"without repeat purchases are not reliable."
                    ),
                )
            )
        elif q > HOMOGENEOUS_SHAPE:
            findings.append(
                (
                    ("q", "gamma"),
                    "spend level the same for everyone",
                    homogeneous(
                        self._model_name,
                        "spend level",
                        {"q": q, "gamma": g},
                        f"mean transaction value p gamma / (q - 1) = {p * g / (q - 1):.4g}",
                    ),
                )
            )
        if p > HOMOGENEOUS_SHAPE:
            findings.append(
                (
                    ("p",),
                    "no spread of a customer's transaction values",
                    homogeneous(
                        self._model_name,
                        "transaction value within a customer",
                        {"p": p},
                        "each customer's values equal her mean",
                    ),
                )
            )
        if not self.q_constraint and q <= 1.0:
            warnings.warn(
                f"Gamma-Gamma: q = {q:.4g} <= 1, so the population mean spend p gamma / (q - 1) is infinite: "
                "expected_spend is undefined for customers without repeat purchases. Fix: fit with "
                "GammaGamma(q_constraint=True).",
                CRMMineWarning,
                stacklevel=5,
            )
        return findings

    def expected_spend(
        self,
        summary: pd.DataFrame,
        *,
        columns: Mapping[str, str] | None = None,
        frequency: str | None = None,
        spend: str | None = None,
    ) -> pd.Series:
        """E[M | x, m_x]: expected average transaction value per customer.

        ``(p (gamma + x m_x)) / (p x + q - 1)``, a weighted mean of the population mean
        ``p gamma / (q - 1)`` and the customer's own mean; customers without repeat purchases get
        the population mean. A polars, DuckDB or Spark summary (the id first) gives a table of
        the same kind with the id and ``expected_spend``, computed inside the engine.

        Raises
        ------
        ParameterError
            ``q <= 1`` and some customer has no repeat purchase (infinite population mean).
        """
        p, q, g = self._theta()
        names = self._column_names(columns, True, frequency=frequency, spend=spend)
        if _backend.is_engine(summary):
            return self._expected_spend_engine(summary, names)
        cols = self._read_spend_inputs(summary, names)
        x, m = cols["frequency"], cols["spend"]
        if q <= 1.0 and np.any(p * x + q - 1.0 <= 0):
            raise ParameterError(
                f"Gamma-Gamma has q = {q:.4g} <= 1: the population mean spend is infinite, so customers "
                "without repeat purchases have no expected spend. Fix: fit with "
                "GammaGamma(q_constraint=True)."
            )
        value = (p * (g + x * m)) / (p * x + q - 1.0)
        return pd.Series(value, index=summary.index, name="expected_spend")

    def spend_expression(self, names: dict[str, str]) -> nw.Expr:
        """E[M | x, m_x] as a narwhals expression of the summary columns (computed in the engine)."""
        p, q, g = (float(v) for v in self._theta())
        x = nw.col(names["frequency"]).cast(nw.Float64)
        m = nw.col(names["spend"]).cast(nw.Float64)
        return (nw.lit(p) * (nw.lit(g) + x * m)) / (nw.lit(p) * x + q - 1.0)

    def _expected_spend_engine(self, summary: Any, names: dict[str, str]) -> Any:
        """:meth:`expected_spend` inside the engine: a closed form, so nothing is collected."""
        p, q, _ = self._theta()
        table = _backend.customer_table(summary, what="customer summary", needed=list(names.values()))
        require_columns(table.columns, list(names.values()), role="customer summary")
        _backend.numeric_columns(table.lf, list(names.values()), what="customer summary",
                                 fix="build the summary with crmmine.customer_summary")
        x = nw.col(names["frequency"]).cast(nw.Float64)
        stats = _backend.checked_aggregates(table.lf, table.id_name, self._engine_checks(names),
                                            {"undefined": (p * x + q - 1.0 <= 0).cast(nw.Int64).sum()})
        if q <= 1.0 and int(stats["undefined"] or 0):
            raise ParameterError(
                f"Gamma-Gamma has q = {q:.4g} <= 1: the population mean spend is infinite, so customers "
                "without repeat purchases have no expected spend. Fix: fit with "
                "GammaGamma(q_constraint=True)."
            )
        keep = [c for c in table.lf.collect_schema().names() if c == "__cm_row"]
        out = table.lf.select(table.id_name, *keep, self.spend_expression(names).alias("expected_spend"))
        return _backend.finish_table(out, table)

    def expected_spend_new(self) -> float:
        """Population mean transaction value ``p gamma / (q - 1)`` (infinite for ``q <= 1``)."""
        p, q, g = self._theta()
        return float(p * g / (q - 1.0)) if q > 1 else float("inf")

    def simulate(self, frequency: Any, *, random_state: Any = None) -> pd.DataFrame:
        """Draw the mean repeat spend of customers with the given numbers of repeat purchases.

        Parameters
        ----------
        frequency : Series or array of int
            Repeat purchases per customer (a Series keeps its index).
        random_state : None, int or numpy Generator

        Returns
        -------
        pandas.DataFrame
            ``frequency`` and ``repeat_monetary_mean`` (0 for customers without repeat purchases,
            as in :func:`crmmine.customer_summary`).
        """
        return simulate_spend(self._theta(), frequency, rng_from(random_state))

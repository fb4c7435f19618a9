"""What the report's sections receive and return: settings, the shared context, a section.

Every domain decision of the report (the CLV horizon, the annual discount rate, the churn
horizon, the holdout length, the locale, how many customers a list shows, ...) is a field of
:class:`ReportSettings`, a parameter of :func:`crmmine.report.build_report` and a flag of
``crmmine report``; the page shows them in its first section. Sections never decide such
things themselves.

Results that one section produces and a later one uses (RFM segments, the CLV table, the
fitted models, the churn risk) are typed fields of :class:`ReportContext`, filled in the
order of :data:`crmmine.report.SECTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from numbers import Integral, Real
from typing import Any

import pandas as pd

from crmmine._i18n import check_locale
from crmmine._params import Interval, Options, check_params
from crmmine._units import horizon_days, time_unit_days
from crmmine.errors import ParameterError

__all__ = ["ReportContext", "ReportSettings", "SampleInfo", "Section"]


@dataclass
class Section:
    """One section of the HTML report: what a section builder returns.

    A builder (the ``build`` of a :class:`~crmmine.report.SectionSpec`) takes the
    :class:`ReportContext` and returns a ``Section``; :func:`~crmmine.report.build_report`
    puts the sections in one page, under their titles, in report order.

    Parameters
    ----------
    title : str
        Section heading, in the page's language (escaped when rendered).
    html : str
        Body, already built from escaped pieces (``crmmine._html``'s ``esc``, ``table_html``
        and ``figure_html``): text from the data is never inserted unescaped.
    n_figures : int, default 0
        Number of figures embedded in ``html``.
    key : str, default ""
        The section's name in ``build_report(sections=...)`` (``"value"``, ``"churn"``, ...);
        the opening sections are ``"settings"``, ``"quality"`` and ``"summary"``.
    warnings : list of str, default []
        crmmine warnings raised while the section was built (``"BoundaryFitWarning: ..."``),
        filled by :func:`~crmmine.report.build_report`; the page shows them in the section.

    See Also
    --------
    SectionSpec : the key, title and builder of a module section.
    Report : the built page and its sections.
    ReportContext : what every builder receives.

    Examples
    --------
    >>> sec = Section("Churn and retention", "<p>Too few churners to fit a model.</p>", key="churn")
    >>> sec.key, sec.n_figures, sec.warnings
    ('churn', 0, [])
    """

    title: str
    html: str
    n_figures: int = 0
    key: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportSettings:
    """The report's explicit choices, shown in the page.

    Every domain decision of the report is one of these fields; the sections read them and
    decide nothing themselves. The settings are checked when made (a bad value raises a
    :class:`~crmmine.errors.ParameterError` naming it), and they cannot be changed after.

    Parameters
    ----------
    time_unit : str, default "D"
        Unit of the customer summary and of the BTYD models (``"D"``, the library default;
        ``"W"``, ``"M"``, ... as in the conventions).
    clv_horizon : str or float, default "1Y"
        Future window of the CLV (``"1Y"``: one year whatever the time unit; a number is
        counted in ``time_unit``).
    annual_discount_rate : float, default 0.10
        Yearly discount rate of the CLV (at least 0), compounded to the time unit.
    margin : float, default 1.0
        Profit share of revenue, in (0, 1], applied to the CLV components (1 = revenue).
    churn_horizon : str, default "90D"
        Label window of churn: a customer known at the cutoff who buys nothing in the
        following ``churn_horizon`` has churned.
    incentive : float, default 10.0
        Retention campaign: the offer's cost to the company for a customer who accepts it
        (EMPC and the retention list; Verbraken et al. 2013's 10), in the log's money.
    contact_cost : float, default 1.0
        Retention campaign: the cost of each contact (Verbraken et al. 2013's 1).
    holdout : str, default "13W"
        Length of the holdout period of the BTYD check (the calibration ends that long
        before ``as_of``).
    offer_horizon : str, default "90D"
        Window in which a next purchase counts: the sequential rules' ``within`` and the
        up-sell model's label window.
    rfm_preset : {"rf_grid", "crm4", "eight", "putler"}, default "rf_grid"
        Segment table of :func:`crmmine.segmentation.rfm_segments`.
    lifecycle_preset : {"texts5", "crmmine"}, default "texts5"
        Stage names of :func:`crmmine.segmentation.lifecycle_stages` (``"texts5"``: the CRM
        texts' five stages, with their actions).
    top_n : int, default 15
        Rows of every customer list (top CLV, anomalies, retention, offers, rules).
    locale : {"en", "zh"}, default "en"
        Language of the page.
    random_state : int, default 0
        Seed (a non-negative int) of every random step (sampling, clustering, models,
        cross-validation).

    See Also
    --------
    build_report : takes the same settings as keyword arguments.
    ReportContext : carries the settings to every section.

    Examples
    --------
    >>> ReportSettings(time_unit="W").clv_horizon_units
    52.17857142857143
    >>> ReportSettings(churn_horizon="13W").days("churn_horizon")
    91.0
    >>> ReportSettings(locale="fr")
    Traceback (most recent call last):
    ...
    crmmine.errors.ParameterError: locale must be one of ('en', 'zh'), got 'fr'.
    """

    time_unit: str = "D"
    clv_horizon: str | float = "1Y"
    annual_discount_rate: float = 0.10
    margin: float = 1.0
    churn_horizon: str = "90D"
    incentive: float = 10.0
    contact_cost: float = 1.0
    holdout: str = "13W"
    offer_horizon: str = "90D"
    rfm_preset: str = "rf_grid"
    lifecycle_preset: str = "texts5"
    top_n: int = 15
    locale: str = "en"
    random_state: int = 0

    def __post_init__(self) -> None:
        check_locale(self.locale)
        time_unit_days(self.time_unit)
        for name in ("clv_horizon", "churn_horizon", "holdout", "offer_horizon"):
            horizon_days(getattr(self, name), self.time_unit, name=name)
        check_params(
            {
                "annual_discount_rate": self.annual_discount_rate,
                "margin": self.margin,
                "incentive": self.incentive,
                "contact_cost": self.contact_cost,
                "top_n": self.top_n,
                "random_state": self.random_state,
                "rfm_preset": self.rfm_preset,
                "lifecycle_preset": self.lifecycle_preset,
            },
            {
                "annual_discount_rate": [Interval(Real, 0, None, closed="left")],
                "margin": [Interval(Real, 0, 1, closed="right")],
                "incentive": [Interval(Real, 0, None, closed="left")],
                "contact_cost": [Interval(Real, 0, None, closed="left")],
                "top_n": [Interval(Integral, 1, None)],
                "random_state": [Interval(Integral, 0, None)],
                "rfm_preset": [Options({"rf_grid", "crm4", "eight", "putler"})],
                "lifecycle_preset": [Options({"crmmine", "texts5"})],
            },
            caller="build_report()",
        )

    @property
    def clv_horizon_units(self) -> float:
        """The CLV horizon in ``time_unit``s."""
        return horizon_days(self.clv_horizon, self.time_unit, name="clv_horizon") / time_unit_days(
            self.time_unit
        )

    def days(self, name: str) -> float:
        """A horizon setting (``"churn_horizon"``, ``"holdout"``, ...) in days."""
        return horizon_days(getattr(self, name), self.time_unit, name=name)

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class SampleInfo:
    """How the customers analysed per customer were chosen.

    :func:`~crmmine.report.build_report` records it in :attr:`Report.sample` and
    :attr:`ReportContext.sample`; the page says when the sections saw a sample.

    Parameters
    ----------
    engine : {"pandas", "duckdb"}
        Where the cleaning and the whole-base figures ran.
    n_customers : int
        Customers in the whole (clean) base at ``as_of``.
    n_sampled : int
        Customers analysed by the per-customer sections (``n_customers`` when not sampled).
    random_state : int
        Seed of the sample.

    See Also
    --------
    build_report : ``engine=`` and ``sample_size=`` decide the sample.
    Report : keeps the sample information of a built report.

    Examples
    --------
    >>> info = SampleInfo(engine="duckdb", n_customers=250_000, n_sampled=20_000, random_state=0)
    >>> info.sampled, SampleInfo("pandas", 4_338, 4_338, 0).sampled
    (True, False)
    """

    engine: str
    n_customers: int
    n_sampled: int
    random_state: int

    @property
    def sampled(self) -> bool:
        """True when the sections see a sample of the customers."""
        return self.n_sampled < self.n_customers


@dataclass
class ReportContext:
    """What every report section receives, and the results sections share.

    Made once per report (usually by :meth:`from_transactions`), then passed to each
    section builder in the order of :data:`crmmine.report.SECTIONS`; a section that
    produces a result a later one uses stores it in its field (the segmentation section
    fills ``rfm_scores``, ``rfm_segments`` and ``lifecycle``; the value section
    ``btyd_model``, ``spend_model`` and ``clv``; ...). Those fields are None until then.

    Parameters
    ----------
    transactions : DataFrame
        Clean transactions up to ``as_of`` in the default column names (``customer_id``,
        ``order_id``, ``date``, ``amount``, and ``item``/``quantity``/``unit_price`` when
        known); in DuckDB mode, those of the sampled customers.
    summary : DataFrame
        Customer summary at ``as_of`` in ``settings.time_unit``, purchases counted as orders
        (the RFM count), indexed by customer id.
    as_of : Timestamp
        Reference date (the day, normalised).
    settings : ReportSettings, default ReportSettings()
        The report's choices (horizons, rates, presets, locale, seed).
    data_end : Timestamp, optional
        The last day of the whole clean log (it may follow ``as_of``). With a sample of
        customers, the sample's own last purchase can be earlier: label windows (churn,
        up-sell) are complete when the *log* reaches their end (:meth:`reaches`).
    btyd_summary : DataFrame, optional
        The same customers with purchases counted as distinct days (``count="days"``), the
        input of the BTYD models.
    returns : DataFrame, optional
        Return and cancellation lines set apart by the cleaning (same columns).
    sample : SampleInfo, optional
        How the customers of the per-customer sections were chosen.
    rfm_scores : DataFrame, optional
        RFM scores per customer (:func:`crmmine.segmentation.rfm_scores`), set by the
        segmentation section.
    rfm_segments : Series, optional
        RFM segment per customer (:func:`crmmine.segmentation.rfm_segments` with
        ``settings.rfm_preset``), set by the segmentation section.
    lifecycle : DataFrame, optional
        Lifecycle stage per customer (:func:`crmmine.segmentation.lifecycle_stages`), set by
        the segmentation section.
    btyd_model : fitted BGNBD, optional
        The purchase model of the value section, fitted on ``btyd_summary``.
    spend_model : fitted GammaGamma, optional
        The spend model of the value section.
    clv : DataFrame, optional
        The table of :func:`crmmine.value.clv` over ``settings.clv_horizon``, indexed by
        customer id (column ``clv``), set by the value section; the churn section uses it
        as the value at stake.
    association_rules : DataFrame, optional
        The association rules of the cross-selling section.
    recommendations : DataFrame, optional
        Next-product recommendations per customer from those rules.
    churn_risk : Series, optional
        P(churn) per customer at ``as_of`` (the churn section).
    category : str, optional
        Column of the transactions with the product category (the up-sell catalog).
    applications : DataFrame, optional
        Credit applications, one row per application: the input of the credit section.
    target : str, optional
        The 0/1 outcome column of ``applications`` (1 = bad).
    survey : DataFrame or PLSPathModel, optional
        A satisfaction survey table or a fitted :class:`crmmine.survey.PLSPathModel`: the
        input of the satisfaction section.
    survey_scale : (low, high), optional
        Answer scale of the survey table (default: the observed range).

    See Also
    --------
    ReportSettings : the choices the sections read.
    SectionSpec : a section builder, called with the context.
    build_report : makes the context and runs every section.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3], "order_id": [10, 11, 12, 13, 14],
    ...                    "date": pd.to_datetime(["2021-01-04", "2021-03-01", "2021-01-20",
    ...                                            "2021-02-15", "2021-03-10"]),
    ...                    "amount": [20.0, 35.0, 12.5, 8.0, 40.0]})
    >>> ctx = ReportContext.from_transactions(tx, as_of="2021-02-28")
    >>> ctx.summary["orders"].to_dict(), len(ctx.transactions)
    ({1: 1, 2: 2}, 3)
    >>> ctx.data_end.date(), ctx.reaches("2021-03-10"), ctx.reaches("2021-03-11")
    (datetime.date(2021, 3, 10), True, False)
    >>> ctx.clv is None and ctx.churn_risk is None  # filled by the sections
    True
    """

    transactions: pd.DataFrame
    summary: pd.DataFrame
    as_of: pd.Timestamp
    settings: ReportSettings = field(default_factory=ReportSettings)
    data_end: pd.Timestamp | None = None
    btyd_summary: pd.DataFrame | None = None
    returns: pd.DataFrame | None = None
    sample: SampleInfo | None = None
    rfm_scores: pd.DataFrame | None = None
    rfm_segments: pd.Series | None = None
    lifecycle: pd.DataFrame | None = None
    btyd_model: Any = None
    spend_model: Any = None
    clv: pd.DataFrame | None = None
    association_rules: pd.DataFrame | None = None
    recommendations: pd.DataFrame | None = None
    churn_risk: pd.Series | None = None
    category: str | None = None
    applications: pd.DataFrame | None = None
    target: str | None = None
    survey: Any = None
    survey_scale: tuple[float, float] | None = None

    @property
    def locale(self) -> str:
        """The page's language."""
        return self.settings.locale

    def reaches(self, day: Any) -> bool:
        """True when the whole log covers ``day`` (so a label window ending that day is complete)."""
        return self.data_end is not None and self.data_end >= pd.Timestamp(day).normalize()

    @classmethod
    def from_transactions(
        cls,
        transactions: pd.DataFrame,
        *,
        as_of: Any = None,
        settings: ReportSettings | None = None,
        net_returns: bool = False,
        **kwargs: Any,
    ) -> ReportContext:
        """A context from clean transactions: both summaries at ``as_of`` (default: the last day).

        ``net_returns=True`` when the transactions keep returns as negative lines
        (``clean_transactions(returns="net")``): the summaries net them against the purchases.
        Extra keyword arguments set other fields (``applications=``, ``survey=``, ...).

        Examples
        --------
        >>> import crmmine as cm
        >>> tx, _ = cm.datasets.load_online_retail_clean()
        >>> ctx = ReportContext.from_transactions(tx, settings=ReportSettings(time_unit="W"))
        >>> ctx.as_of.date(), len(ctx.summary) == len(ctx.btyd_summary)
        (datetime.date(2011, 12, 9), True)
        """
        from crmmine.data import customer_summary

        settings = settings or ReportSettings()
        if not isinstance(transactions, pd.DataFrame):
            raise ParameterError(
                "transactions must be a pandas DataFrame of clean transactions "
                f"(crmmine.clean_transactions), got {type(transactions).__name__}."
            )
        day = (
            pd.Timestamp(as_of).normalize()
            if as_of is not None
            else pd.Timestamp(transactions["date"].max()).normalize()
        )
        kwargs.setdefault("data_end", pd.Timestamp(transactions["date"].max()).normalize())
        tx = transactions[transactions["date"] < day + pd.Timedelta(days=1)]
        policy = "net" if net_returns else "raise"
        unit = settings.time_unit
        summary = customer_summary(tx, as_of=day, time_unit=unit, count="orders", returns=policy)
        btyd = customer_summary(tx, as_of=day, time_unit=unit, count="days", returns=policy)
        return cls(transactions=tx, summary=summary, btyd_summary=btyd, as_of=day, settings=settings,
                   **kwargs)

"""Customer value as the CRM texts define it, on the embedded Online Retail sample.

Historical + current + potential value per customer and by frequency band; Dwyer's retention
(by cohort) and migration (by recency) models; the fitting method checked on a holdout against
the BG/NBD forecast; what a new customer is worth and where the retention budget goes.

Run: ``python examples/value_methods_online_retail.py`` (about 10 s, no download).
"""

from __future__ import annotations

import sys
import warnings

import crmmine as cm
from crmmine.errors import BoundaryFitWarning
from crmmine.value import (
    BGNBD,
    DwyerMigration,
    DwyerRetention,
    GammaGamma,
    clv_components,
    curve_holdout_validation,
    new_customer_clv,
    retention_budget,
)


def fit_models(summary):
    """BG/NBD and Gamma-Gamma; the sample's BG/NBD fit sits at a boundary (no drop-out in a year)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bgnbd = BGNBD().fit(summary)
        spend = GammaGamma().fit(summary)
    for w in caught:
        if issubclass(w.category, BoundaryFitWarning):
            print(f"note: {str(w.message)[:120]}...")
    return bgnbd, spend


def main() -> int:
    tx, _ = cm.datasets.load_online_retail_clean()
    summary = cm.customer_summary(tx, time_unit="W", count="days")
    bgnbd, spend = fit_models(summary)
    print(f"BG/NBD {bgnbd!r}; Gamma-Gamma {spend!r}")

    parts = clv_components(tx, summary, bgnbd, spend, horizon="1Y", annual_discount_rate=0.10, margin=0.25)
    print(f"\n{parts}")
    print("CLV components (margin 25%, 10% a year, one-year horizon):")
    print(parts.summary().round({"total": 0, "mean": 2, "share": 3}).to_string())
    print("\nBy frequency band (mean per customer):")
    cols = ["customers", "mean_historical", "mean_current", "mean_potential", "share_of_total"]
    print(parts.by_segment()[cols].round(2).to_string())

    retention = DwyerRetention(period="Q", horizon=4, annual_discount_rate=0.10, margin=0.25).fit(tx)
    print(
        "\nDwyer retention model (quarters, lost for good): retention by age",
        retention.retention_.round(3).tolist(),
    )
    print(retention.cohorts_.to_string())
    migration = DwyerMigration(period="M", lost_after=6, annual_discount_rate=0.10, margin=0.25).fit(tx)
    print("\nDwyer migration model (months): purchase probability and value by recency")
    print(migration.purchase_probabilities_.join(migration.state_values_).round(3).to_string())

    cal, hold = cm.calibration_holdout(tx, "2011-06-30", "2011-12-09", time_unit="W", count="days")
    cal_bgnbd, cal_spend = fit_models(cal)
    check = curve_holdout_validation(
        tx,
        cal,
        hold,
        cal_bgnbd,
        cal_spend,
        calibration_end="2011-06-30",
        observation_end="2011-12-09",
        period="M",
    )
    print("\nHoldout spend (Jul-Dec 2011): fitting method vs BG/NBD x Gamma-Gamma")
    print(check.summary().round(3).to_string())

    new = new_customer_clv(bgnbd, spend, horizon="1Y", annual_discount_rate=0.10, margin=0.25)
    print(f"\nA customer acquired today is worth {new:,.2f} of margin over a year: the most worth paying.")
    table = parts.to_frame()
    budget = retention_budget(table["current"] + table["potential"], p_alive=table["p_alive"], top_n=20)
    print(
        f"Value at risk: {budget['value_at_risk'].sum():,.2f} in total, "
        f"{budget.loc[budget['selected'], 'value_at_risk'].sum():,.2f} in the top 20 customers."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Customer lifetime value on CDNOW: the holdout study of Fader, Hardie & Lee (2005).

Calibrate BG/NBD and Pareto/NBD on the first 39 weeks of the 2,357-customer CDNOW sample
(purchases counted as distinct purchase days, weekly units), compare their forecasts with the
next 39 weeks, then value every customer for one year at 10% a year.

Run: ``python examples/value_cdnow.py`` (needs ``../shared/data/cdnow``).
"""

from __future__ import annotations

import sys

import crmmine as cm
from crmmine.datasets import DatasetNotFoundError
from crmmine.value import (
    BGNBD,
    GammaGamma,
    ParetoNBD,
    clv,
    holdout_validation,
    period_transactions,
    tracking,
)


def main() -> int:
    try:
        tx = cm.datasets.load_cdnow()
    except DatasetNotFoundError as exc:
        print(f"CDNOW not found ({exc}); put the shared data folder beside the repository.")
        return 1
    cal, hold = cm.calibration_holdout(tx, "1997-09-30", "1998-06-30", time_unit="W", count="days")
    models = {"BG/NBD": BGNBD().fit(cal), "Pareto/NBD": ParetoNBD().fit(cal)}
    for name, model in models.items():
        params = ", ".join(f"{k}={v:.4g}" for k, v in model.params_.items())
        print(f"{name}: {params}; log-likelihood {model.log_likelihood_:.2f}")
    print("\nBG/NBD parameters with 95% intervals (log scale):")
    print(models["BG/NBD"].summary().round(4).to_string())
    check = holdout_validation(models, cal, hold)
    print("\nHoldout (39 weeks):")
    print(check.summary().round(3).to_string())
    print("\nMean holdout purchases by calibration frequency:")
    print(check.by_frequency.round(3).to_string())
    print("\nCustomers by repeat purchases in calibration, actual vs BG/NBD:")
    print(period_transactions(models["BG/NBD"], cal).to_frame().round(1).to_string())
    track = tracking(models["BG/NBD"], tx, calibration_end="1997-09-30", observation_end="1998-06-30")
    end = track.summary().loc["end of observation"]
    print(
        f"\nCumulative repeat purchases at week 78: actual {end['actual']:,.0f}, "
        f"BG/NBD {end['expected']:,.0f}"
    )
    spend = GammaGamma().fit(cal)
    values = clv(models["BG/NBD"], spend, cal, horizon="1Y", annual_discount_rate=0.10)
    top_share = values["clv"].nlargest(len(values) // 10).sum() / values["clv"].sum()
    print(
        f"\nGamma-Gamma: p={spend.params_['p']:.3g}, q={spend.params_['q']:.3g}, "
        f"gamma={spend.params_['gamma']:.3g}; one-year CLV at 10%: total {values['clv'].sum():,.0f}, "
        f"top 10% of customers hold {top_share:.0%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

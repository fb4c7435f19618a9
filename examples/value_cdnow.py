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
from crmmine.value import BGNBD, GammaGamma, ParetoNBD, clv, holdout_validation, tracking


def main() -> int:
    try:
        tx = cm.datasets.load_cdnow()
    except DatasetNotFoundError as exc:
        print(f"CDNOW not found ({exc}); put the shared data folder beside the repository.")
        return 1
    cal, hold = cm.calibration_holdout(tx, "1997-09-30", "1998-06-30", time_unit="W", count="days")
    models = {"BG/NBD": BGNBD().fit(cal), "Pareto/NBD": ParetoNBD().fit(cal)}
    for name, model in models.items():
        print(f"{name}: {model!r}, log-likelihood {model.log_likelihood_:.2f}")
    check = holdout_validation(models, cal, hold)
    print("\nHoldout (39 weeks):")
    print(check.summary())
    print("\nMean holdout purchases by calibration frequency:")
    print(check.by_frequency.round(3).to_string())
    track = tracking(
        models["BG/NBD"], tx, calibration_end="1997-09-30", observation_end="1998-06-30", count="days"
    )
    print(
        f"\nCumulative repeat purchases at week 78: actual {track['actual'].iloc[-1]:,}, "
        f"BG/NBD {track['expected'].iloc[-1]:,.0f}"
    )
    spend = GammaGamma().fit(cal, nonpositive="exclude")
    values = clv(models["BG/NBD"], spend, cal, horizon=52, annual_discount_rate=0.10)
    top_share = values["clv"].nlargest(len(values) // 10).sum() / values["clv"].sum()
    print(
        f"\nGamma-Gamma: {spend!r}; one-year CLV at 10%: total {values['clv'].sum():,.0f}, "
        f"top 10% of customers hold {top_share:.0%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

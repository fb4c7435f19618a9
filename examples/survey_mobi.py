"""The ECSI satisfaction index on the mobile-phone survey: paths, reliability, drivers, NPS.

Data: the ECSI mobi survey (250 respondents, 24 items on 1-10) from ../shared/data.
Run: python examples/survey_mobi.py
"""

import sys

import crmmine as cm
from crmmine.survey import (
    ECSI_BLOCKS,
    ECSI_PATHS,
    PLSPathModel,
    importance_performance,
    net_promoter_score,
    satisfaction_loyalty,
)


def main() -> int:
    mobi = cm.datasets.load_mobi()
    model = PLSPathModel(ECSI_BLOCKS, ECSI_PATHS, scale=(1, 10), n_bootstrap=500, random_state=0).fit(mobi)
    print("Path coefficients with 95% bootstrap intervals (500 resamples):")
    print(model.paths_.round(3).to_string(index=False))
    print("\nIndices (0-100), R-squared and reliability:")
    print(model.summary().round(3).to_string())
    print("\nHTMT:")
    print(model.htmt_.round(2).to_string())
    print("\nDrivers of satisfaction:")
    print(importance_performance(model, "Satisfaction").table.round(3).to_string())
    quadrants = satisfaction_loyalty(model)
    print("\nSatisfaction-loyalty grid (thresholds 70 on 0-100):")
    print(quadrants.summary().round(3).to_string())
    nps = net_promoter_score(mobi["CUSL3"], scale=(1, 10), random_state=0)
    print(f"\nNPS of 'would recommend' (CUSL3, 1-10 scale): {nps.nps:.1f} "
          f"(95% Wald {nps.wald[0]:.1f} to {nps.wald[1]:.1f}; bootstrap {nps.bootstrap[0]:.1f} to "
          f"{nps.bootstrap[1]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

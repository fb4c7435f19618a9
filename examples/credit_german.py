"""A German-credit scorecard: bins, information values, points, grades, holdout and stability.

Data: UCI Statlog German credit (1,000 applications, 300 bad) from ../shared/data.
Run: python examples/credit_german.py
"""

import sys
import warnings

import numpy as np

import crmmine as cm
from crmmine.credit import Scorecard, population_stability
from crmmine.errors import DataWarning


def main() -> int:
    X = cm.datasets.load_german_credit()
    y = (X.pop("creditability") == "bad").astype(int)
    rng = np.random.default_rng(0)
    holdout = rng.uniform(size=len(X)) < 0.3
    with warnings.catch_warnings():  # a reversed sign is reported below, then removed
        warnings.simplefilter("ignore", DataWarning)
        first = Scorecard(base_points=600, base_odds=50, pdo=20).fit(X[~holdout], y[~holdout])
    reversed_ = first.coef_.index[first.coef_ > 0].tolist()
    if reversed_:
        print(f"Refitting without {reversed_}: a positive coefficient on the WoE means their safer bins "
              "would score fewer points (the effect is carried by correlated characteristics).\n")
    keep = [v for v in X.columns if v not in reversed_]
    card = Scorecard(keep, base_points=600, base_odds=50, pdo=20).fit(X[~holdout], y[~holdout])
    print("Information values (development sample):")
    print(card.binning_.iv_table().round(3).to_string())
    print(f"\n{len(card.variables_)} characteristics in the scorecard.")
    print("\nGrades (development sample):")
    print(card.grade_table_.round(3).to_string())
    result = card.evaluate(X[holdout], y[holdout])
    print(f"\nHoldout: KS {result.ks:.3f}, AUC {result.auc:.3f}, Gini {result.gini:.3f} "
          f"({result.n} applications, {result.n_bad} bad)")
    print("\nReasons for the three lowest scores of the holdout:")
    points = card.points(X[holdout])
    worst = points.nsmallest(3).index
    print(card.reason_codes(X.loc[worst], top_n=3).round(1).join(points.round(1)).to_string())
    psi = population_stability(card.points(X[~holdout]), points)
    print(f"\nPopulation stability of the scores, development vs holdout: PSI {psi.psi:.3f} ({psi.band})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Reference numbers for the credit tests: scorecardpy's and optbinning's IVs and holdout
performance on German credit, on one fixed split. Run once; the output is vendored as
``tests/credit/data/german_reference.json``.

scorecardpy 0.1.9.7 does not run on pandas 3 (it calls ``pd.to_numeric(errors="ignore")``),
so this script runs in a separate environment with pandas 2.2::

    python -m venv /tmp/credit-ref
    /tmp/credit-ref/bin/pip install "pandas==2.2.3" "numpy<2.1" scorecardpy==0.1.9.7 optbinning==1.0.0
    /tmp/credit-ref/bin/python benchmarks/credit_reference.py tests/credit/data/german_reference.json

Neither package is a crmmine dependency.

Split: ``train_test_split(test_size=0.3, stratify=y, random_state=0)`` of the 1,000 rows
(700 training, 300 holdout, 90 bads); the holdout row numbers are written out so the tests do
not depend on scikit-learn's splitter staying the same.

scorecardpy: ``woebin(train, y="bad")`` with its defaults (tree binning, at most 5 bins,
each at least 5% of rows); its IV per variable; its breaks (so that crmmine can rebuild the same
bins); the variables with IV >= 0.02; a ``LogisticRegression()`` (scikit-learn defaults: L2,
C = 1) on ``woebin_ply`` WoE; KS and AUC on the holdout from ``perf_eva``.

optbinning: ``BinningProcess`` with its defaults on the training rows; IV per variable; its
``Scorecard`` (IV >= 0.02, ``LogisticRegression()``, scaling "pdo_odds" with 600 points at
odds 50 and PDO 20); KS/AUC of its probabilities on the holdout and its points per holdout
application.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import train_test_split

warnings.filterwarnings("ignore")
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "credit" / "germancredit.csv"


def ks_auc(y: np.ndarray, p: np.ndarray) -> dict:
    fpr, tpr, _ = roc_curve(y, p)
    return {"ks": float(np.max(tpr - fpr)), "auc": float(roc_auc_score(y, p))}


def main() -> None:
    import optbinning
    import scorecardpy as sc
    from optbinning import BinningProcess
    from optbinning import Scorecard as OBScorecard

    raw = pd.read_csv(DATA)
    y = (raw["creditability"] == "bad").astype(int)
    X = raw.drop(columns="creditability")
    rows = np.arange(len(raw))
    train_rows, test_rows = train_test_split(rows, test_size=0.3, stratify=y, random_state=0)
    train_rows, test_rows = np.sort(train_rows), np.sort(test_rows)
    Xtr, Xte, ytr, yte = X.iloc[train_rows], X.iloc[test_rows], y.iloc[train_rows], y.iloc[test_rows]

    # scorecardpy ---------------------------------------------------------------------------
    train = Xtr.assign(bad=ytr.values)
    test = Xte.assign(bad=yte.values)
    bins = sc.woebin(train, y="bad", print_step=0)
    sc_iv = {v: float(b["total_iv"].iloc[0]) for v, b in bins.items()}
    breaks = {}
    zero_cells = []
    for v, b in bins.items():
        if ((b["good"] == 0) | (b["bad"] == 0)).any():
            zero_cells.append(v)
        br = [x for x in b["breaks"].astype(str) if x not in ("inf", "missing")]
        if pd.api.types.is_numeric_dtype(X[v]):
            breaks[v] = [float(x) for x in br]
        else:
            breaks[v] = [x.split("%,%") for x in br]
    keep = [v for v, iv in sc_iv.items() if iv >= 0.02]
    train_woe = sc.woebin_ply(train[[*keep, "bad"]], bins, print_step=0)
    test_woe = sc.woebin_ply(test[[*keep, "bad"]], bins, print_step=0)
    cols = [f"{v}_woe" for v in keep]
    lr = LogisticRegression().fit(train_woe[cols], train_woe["bad"])
    p_sc = lr.predict_proba(test_woe[cols])[:, 1]
    perf = sc.perf_eva(test_woe["bad"], p_sc, show_plot=[], title="holdout")
    sc_perf = {"ks": float(perf["KS"]), "auc": float(perf["AUC"]), **{f"sklearn_{k}": v for k, v in
                                                                      ks_auc(yte.values, p_sc).items()}}

    # optbinning -----------------------------------------------------------------------------
    bp = BinningProcess(list(X.columns)).fit(Xtr, ytr.values)
    ob_iv = bp.summary().set_index("name")["iv"].astype(float).to_dict()
    card = OBScorecard(
        binning_process=BinningProcess(list(X.columns), selection_criteria={"iv": {"min": 0.02}}),
        estimator=LogisticRegression(),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
    ).fit(Xtr, ytr.values)
    p_ob = card.predict_proba(Xte)[:, 1]
    ob_points = card.score(Xte)
    ob_selected = [v for v in X.columns if v in set(card.binning_process_.get_support(names=True))]

    out = {
        "command": "python benchmarks/credit_reference.py tests/credit/data/german_reference.json "
                   "(pandas 2.2 environment; see the script's docstring)",
        "versions": {"scorecardpy": sc.__version__ if hasattr(sc, "__version__") else "0.1.9.7",
                     "optbinning": optbinning.__version__, "pandas": pd.__version__,
                     "numpy": np.__version__},
        "split": "train_test_split(range(1000), test_size=0.3, stratify=y, random_state=0)",
        "holdout_rows": test_rows.tolist(),
        "scorecardpy": {"iv": sc_iv, "breaks": breaks, "zero_cell_variables": zero_cells,
                        "selected": keep, "holdout": sc_perf},
        "optbinning": {"iv": ob_iv, "selected": ob_selected, "holdout": ks_auc(yte.values, p_ob),
                       "holdout_points": [float(x) for x in ob_points]},
    }
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("german_reference.json")
    target.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()

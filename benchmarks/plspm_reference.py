"""Python plspm 0.5.7 on mobi: the full ECSI model and seminr's 4-construct test model.

Run once in the pandas 2.2 environment of benchmarks/credit_reference.py (plspm 0.5.7 fails on
pandas 3); the output is vendored as tests/survey/data/plspm_python_reference.json::

    /tmp/credit-ref/bin/pip install plspm==0.5.7
    /tmp/credit-ref/bin/python benchmarks/plspm_reference.py tests/survey/data/mobi.csv \
        > tests/survey/data/plspm_python_reference.json

plspm is not a crmmine dependency.
"""
import json
import sys

import pandas as pd
import plspm.config as c
from plspm.mode import Mode
from plspm.plspm import Plspm
from plspm.scheme import Scheme

mobi = pd.read_csv(sys.argv[1])
def run(blocks, paths, scheme):
    lvs = list(blocks)
    sm = pd.DataFrame(0, index=lvs, columns=lvs)
    for t, fs in paths.items():
        for f in fs:
            sm.loc[t, f] = 1
    cfg = c.Config(sm, default_scale=None)
    for lv, cols in blocks.items():
        cfg.add_lv(lv, Mode.A, *[c.MV(x) for x in cols])
    pc = Plspm(mobi, cfg, scheme).path_coefficients()
    return {f"{f} -> {t}": float(pc.loc[t, f]) for t, fs in paths.items() for f in fs}
ecsi_b = {"Image": [f"IMAG{i}" for i in range(1,6)], "Expectation": ["CUEX1","CUEX2","CUEX3"], "Quality": [f"PERQ{i}" for i in range(1,8)],
 "Value": ["PERV1","PERV2"], "Satisfaction": ["CUSA1","CUSA2","CUSA3"], "Complaints": ["CUSCO"], "Loyalty": ["CUSL1","CUSL2","CUSL3"]}
ecsi_p = {"Expectation": ["Image"], "Quality": ["Expectation"], "Value": ["Expectation","Quality"], "Satisfaction": ["Image","Expectation","Quality","Value"],
 "Complaints": ["Satisfaction"], "Loyalty": ["Image","Satisfaction","Complaints"]}
small_b = {k: ecsi_b[k] for k in ["Image","Expectation","Value","Satisfaction"]}
small_p = {"Satisfaction": ["Image","Expectation","Value"]}
out = {"command": "/tmp/credit-ref/bin/python benchmarks/plspm_reference.py tests/survey/data/mobi.csv (plspm 0.5.7, pandas 2.2.3)",
       "ecsi_path": run(ecsi_b, ecsi_p, Scheme.PATH), "ecsi_centroid": run(ecsi_b, ecsi_p, Scheme.CENTROID),
       "small_path": run(small_b, small_p, Scheme.PATH), "small_factorial": run(small_b, small_p, Scheme.FACTORIAL)}
print(json.dumps(out, indent=1))

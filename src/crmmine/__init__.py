"""crmmine: customer analytics and data mining for CRM.

The main verbs are importable from the top::

    import crmmine as cm
    tx, log = cm.datasets.load_online_retail_clean()
    summary = cm.customer_summary(tx, as_of="2011-12-09", time_unit="W")

Subpackages: :mod:`crmmine.data`, :mod:`crmmine.segmentation`,
:mod:`crmmine.value`, :mod:`crmmine.association`, :mod:`crmmine.anomaly`,
:mod:`crmmine.churn`, :mod:`crmmine.report`, and :mod:`crmmine.datasets`.
"""

from crmmine import datasets
from crmmine.data import (
    CleaningLog,
    calibration_holdout,
    clean_transactions,
    customer_summary,
    make_transactions,
    validate_transactions,
)
from crmmine.errors import (
    ConvergenceError,
    CRMMineError,
    DataError,
    ParameterError,
    SchemaError,
)

__version__ = "0.1.0"

__all__ = [
    "CRMMineError",
    "CleaningLog",
    "ConvergenceError",
    "DataError",
    "ParameterError",
    "SchemaError",
    "__version__",
    "calibration_holdout",
    "clean_transactions",
    "customer_summary",
    "datasets",
    "make_transactions",
    "validate_transactions",
]

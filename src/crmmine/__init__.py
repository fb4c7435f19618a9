"""crmmine: customer analytics and data mining for CRM.

The main verbs are importable from the top::

    import crmmine as cm
    tx, log = cm.datasets.load_online_retail_clean()
    summary = cm.customer_summary(tx, as_of="2011-12-09", time_unit="W")

Subpackages: :mod:`crmmine.data`, :mod:`crmmine.segmentation`,
:mod:`crmmine.value`, :mod:`crmmine.association`, :mod:`crmmine.anomaly`,
:mod:`crmmine.churn`, :mod:`crmmine.classification`, :mod:`crmmine.credit`,
:mod:`crmmine.survey`, :mod:`crmmine.report`, and :mod:`crmmine.datasets`.
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

_SUBPACKAGES = (
    "anomaly",
    "association",
    "churn",
    "classification",
    "credit",
    "data",
    "report",
    "segmentation",
    "survey",
    "value",
)


def __getattr__(name: str):
    """Import an analysis subpackage on first use (``cm.value.BGNBD``), keeping ``import crmmine`` light."""
    if name in _SUBPACKAGES:
        import importlib

        module = importlib.import_module(f"crmmine.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'crmmine' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBPACKAGES))

__all__ = [
    "CRMMineError",
    "CleaningLog",
    "ConvergenceError",
    "DataError",
    "ParameterError",
    "SchemaError",
    "__version__",
    "anomaly",
    "association",
    "calibration_holdout",
    "churn",
    "classification",
    "clean_transactions",
    "credit",
    "customer_summary",
    "datasets",
    "make_transactions",
    "report",
    "segmentation",
    "survey",
    "validate_transactions",
    "value",
]

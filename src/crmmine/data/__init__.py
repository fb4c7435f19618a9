"""Transaction data layer: column mapping, validation, cleaning, the customer summary.

The customer summary (one row per customer) is the hub every analysis starts
from; :func:`calibration_holdout` splits a log for model validation.
"""

from crmmine.data.clean import clean_transactions
from crmmine.data.cleaning_log import CleaningLog
from crmmine.data.columns import DEFAULT_COLUMNS, Columns, resolve_columns, time_unit_days
from crmmine.data.dates import ParsedDates, parse_dates
from crmmine.data.summary import SUMMARY_COLUMNS, calibration_holdout, customer_summary
from crmmine.data.synthetic import SyntheticTransactions, make_transactions
from crmmine.data.validate import validate_transactions

__all__ = [
    "DEFAULT_COLUMNS",
    "SUMMARY_COLUMNS",
    "CleaningLog",
    "Columns",
    "ParsedDates",
    "SyntheticTransactions",
    "calibration_holdout",
    "clean_transactions",
    "customer_summary",
    "make_transactions",
    "parse_dates",
    "resolve_columns",
    "time_unit_days",
    "validate_transactions",
]

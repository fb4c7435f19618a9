"""Customer tables with a target column, as the public churn, response and credit sets come."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmmine._params import validate_params
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, DataWarning, bad_rows_error

__all__ = ["prepare_table"]

logger = logging.getLogger(__name__)

_TRUE = {"1", "1.0", "yes", "y", "true", "true.", "t", "churn", "churned", "exited", "bad", "default"}
_FALSE = {"0", "0.0", "no", "n", "false", "false.", "f", "stayed", "good"}
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$"


def _is_text(col: pd.Series) -> bool:
    return col.dtype == object or pd.api.types.is_string_dtype(col)


@validate_params(
    {
        "frame": [pd.DataFrame],
        "target": [str],
        "customer_id": [str, None],
        "drop": ["array-like"],
    }
)
def prepare_table(
    frame: pd.DataFrame,
    target: str,
    *,
    customer_id: str | None = None,
    drop: Sequence[str] = (),
) -> tuple[pd.DataFrame, pd.Series]:
    """Split a customer table into features ``X`` and a 0/1 target ``y``, indexed by customer id.

    * **Target**: 0/1, booleans, or text such as Yes/No, True./False., Churned/Stayed;
      anything else (or a missing target) raises a :class:`~crmmine.errors.DataError`
      naming the values.
    * **Customer ids** become the index of ``X`` and ``y`` (so retention lists and reason
      codes name customers, not row numbers): the column ``customer_id`` when given (it must
      be unique and complete); otherwise the table's own index when it is not a plain
      0..n-1 range; otherwise the first text column with a distinct value on every row
      (such as Telco's ``customerID`` or the telecom set's ``Phone``). Other such identifier
      columns are dropped. The choice is in ``X.attrs["customer_id"]``.
    * **Numbers stored as text** (Telco's ``TotalCharges``, blank for customers with tenure
      0) become numeric; blanks become missing values that the models fill, counted in
      ``X.attrs["coerced"]``.
    * **Dates stored as ISO text** (``2020-01-31``) become datetimes (models turn them into
      ages in days), listed in ``X.attrs["parsed_dates"]``.
    * **Empty columns** (every value missing) are dropped with a
      :class:`~crmmine.errors.DataWarning` and a log entry.
    * Columns in ``drop`` are removed; every removed column is listed in
      ``X.attrs["dropped"]``.

    The input is not modified.

    Parameters
    ----------
    frame : pandas.DataFrame
    target : str
        The target column.
    customer_id : str, optional
        The customer id column (see above for the default).
    drop : sequence of str
        Columns not to use as features (other ids, leakage).

    Returns
    -------
    (X, y) : DataFrame and Series with the same index (the customer id)

    See Also
    --------
    CustomerClassifier : takes the ``X`` and ``y`` returned.
    DecisionRules : readable rules on the same ``X`` and ``y``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": ["a", "b", "c"], "charges": ["1.5", " ", "3"], "Churn": ["Yes", "No", "No"]})
    >>> X, y = prepare_table(t, "Churn")
    >>> list(X.columns), y.to_dict(), X.attrs["coerced"], X.attrs["customer_id"]
    (['charges'], {'a': 1, 'b': 0, 'c': 0}, {'charges': 1}, 'id')
    """
    require_columns(
        frame.columns, [target, *drop] + ([customer_id] if customer_id else []), role="customer table"
    )
    data = frame
    id_used: str | None = None
    if customer_id is not None:
        ids = data[customer_id]
        bad = ids.isna() | ids.duplicated(keep=False)
        if bad.any():
            raise bad_rows_error(
                customer_id,
                "missing or repeated customer ids",
                data.loc[bad, [customer_id]],
                int(bad.sum()),
                "give every row its own customer id (or aggregate to one row per customer first)",
            )
        data = data.set_index(customer_id)
        id_used = customer_id
    elif not isinstance(data.index, pd.RangeIndex):
        if data.index.has_duplicates:
            dup = data.index[data.index.duplicated()].unique()
            raise DataError(
                f"the table's index has repeated ids ({len(dup):,}, e.g. {list(dup[:5])}). Fix: one row "
                "per customer, or pass customer_id=<the id column>."
            )
        id_used = data.index.name or "index"
    y = _target(data, target)
    X = data.drop(columns=[target, *drop])
    dropped = list(drop)
    coerced: dict[str, int] = {}
    parsed: list[str] = []
    identifiers: list[str] = []
    converted: dict[str, pd.Series] = {}
    for col in X.columns:
        s = X[col]
        if not _is_text(s):
            continue
        stripped = s.astype(str).str.strip().where(s.notna(), "")
        blank = stripped.eq("")
        if not (~blank).any():
            continue
        numeric = pd.to_numeric(stripped.where(~blank), errors="coerce")
        if numeric[~blank].notna().all():
            converted[col] = numeric.astype("float64")
            if blank.any():
                coerced[col] = int(blank.sum())
        elif stripped[~blank].str.match(_ISO_DATE).all():
            converted[col] = pd.to_datetime(stripped.where(~blank), format="ISO8601")
            parsed.append(col)
        elif s.nunique() == len(s) and len(s) > 1 and s.notna().all():
            identifiers.append(col)
    if converted:
        X = X.assign(**converted)
    if identifiers:
        if id_used is None:
            id_used = identifiers[0]
            X = X.set_index(identifiers[0])
            y.index = X.index
            identifiers = identifiers[1:]
        X = X.drop(columns=identifiers)
        dropped.extend(identifiers)
    empty = [c for c in X.columns if X[c].isna().all()]
    if empty:
        message = (
            f"{len(empty)} column(s) hold no value at all and are dropped: {empty[:10]}. "
            "(Every value is missing.)"
        )
        logger.info(message)
        warnings.warn(message, DataWarning, stacklevel=3)
        X = X.drop(columns=empty)
        dropped.extend(empty)
    if id_used is None:
        id_used = "row number"
    X.attrs = {"customer_id": id_used, "coerced": coerced, "dropped": dropped, "parsed_dates": parsed}
    y.attrs = {}
    return X, y


def _target(data: pd.DataFrame, target: str) -> pd.Series:
    raw = data[target]
    if raw.dtype == bool:
        y = raw.astype("int64")
    elif pd.api.types.is_numeric_dtype(raw):
        y = raw
    else:
        text = raw.astype(str).str.strip().str.lower()
        y = pd.Series(np.where(text.isin(_TRUE), 1, np.where(text.isin(_FALSE), 0, -1)), index=data.index)
        y[raw.isna().to_numpy()] = -1
    bad = ~pd.Series(y, index=data.index).isin([0, 1])
    if bad.any():
        raise bad_rows_error(
            target,
            "target values that are not 0/1, yes/no or true/false (or missing)",
            data.loc[bad, [target]],
            int(bad.sum()),
            "map the target to 0/1 (1 = the event) and drop customers without a target",
        )
    return pd.Series(y, index=data.index, name=target).astype("int64")

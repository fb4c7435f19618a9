"""Energy balance per feeder: the cross-check of meter-level theft scores."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import pandas as pd

from crmmine._backend import to_pandas
from crmmine._params import Interval, check_params
from crmmine._roles import resolve_roles
from crmmine.anomaly.readings import METER_ROLES
from crmmine.data.columns import require_columns
from crmmine.errors import bad_rows_error

__all__ = ["FEEDER_INPUT_ROLES", "transformer_balance"]

#: Column roles of a feeder-input table and their default names.
FEEDER_INPUT_ROLES = {"feeder": "feeder", "date": "date", "kwh_in": "kwh_in"}


def transformer_balance(
    readings,
    feeder_input,
    *,
    loss_rate: float = 0.04,
    columns: Mapping[str, str] | None = None,
    input_columns: Mapping[str, str] | None = None,
    feeder: str | None = None,
    date: str | None = None,
    kwh: str | None = None,
    kwh_in: str | None = None,
) -> pd.DataFrame:
    """Energy balance per feeder: input minus billed minus expected technical losses.

    A feeder whose unexplained energy (``input - billed - losses``, the technical losses being
    ``loss_rate`` of the energy consumed, i.e. ``loss_rate / (1 + loss_rate)`` of the input) is
    large relative to its input points to non-technical losses (theft)
    among its meters: a cross-check for the meter-level scores.

    Parameters
    ----------
    readings : table
        Meter readings with roles ``feeder``, ``date``, ``kwh`` (mapping in ``columns``).
    feeder_input : table
        Energy entering each feeder, roles ``feeder``, ``date``, ``kwh_in`` (mapping in
        ``input_columns``).
    loss_rate : float
        Technical losses as a share of the energy consumed.
    feeder, date, kwh, kwh_in : str, optional
        Column names by role (``feeder`` and ``date`` apply to both tables).

    Returns
    -------
    pandas.DataFrame
        Per feeder: ``input_kwh``, ``billed_kwh``, ``unexplained_kwh``, ``unexplained_share``,
        sorted by ``unexplained_share`` (largest first).

    Examples
    --------
    >>> from crmmine.anomaly import make_meter_readings
    >>> data = make_meter_readings(100, 30, n_feeders=3, random_state=0)
    >>> bal = transformer_balance(data.readings, data.feeder_input)
    >>> bool(bal["unexplained_share"].abs().max() < 0.02)
    True
    """
    check_params(
        {"loss_rate": loss_rate},
        {"loss_rate": [Interval(Real, 0, 1, closed="left")]},
        caller="transformer_balance()",
    )
    roles = resolve_roles(columns, METER_ROLES, feeder=feeder, date=date, kwh=kwh)
    in_roles = resolve_roles(input_columns, FEEDER_INPUT_ROLES, feeder=feeder, date=date, kwh_in=kwh_in)
    r = to_pandas(readings, what="meter readings")
    f = to_pandas(feeder_input, what="feeder input")
    require_columns(r.columns, [roles["feeder"], roles["kwh"]], role="meter readings")
    require_columns(f.columns, [in_roles["feeder"], in_roles["kwh_in"]], role="feeder input")
    for frame, col, what in ((r, roles["kwh"], "readings"), (f, in_roles["kwh_in"], "feeder input")):
        values = pd.to_numeric(frame[col], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            raise bad_rows_error(
                col,
                f"missing, non-numeric or negative kWh in the {what}",
                frame.loc[bad],
                int(bad.sum()),
                "repair or drop these rows before the balance.",
            )
    billed = r.groupby(roles["feeder"])[roles["kwh"]].sum()
    inp = f.groupby(in_roles["feeder"])[in_roles["kwh_in"]].sum()
    out = pd.DataFrame({"input_kwh": inp, "billed_kwh": billed}).fillna(0.0)
    out.index.name = roles["feeder"]
    # technical losses are loss_rate of the energy actually consumed, i.e. loss_rate / (1 + loss_rate)
    # of the input; what remains beyond the billed energy is unexplained (theft or metering errors)
    out["unexplained_kwh"] = out["input_kwh"] * (1 - loss_rate / (1 + loss_rate)) - out["billed_kwh"]
    out["unexplained_share"] = out["unexplained_kwh"] / out["input_kwh"].where(out["input_kwh"] > 0)
    return out.sort_values("unexplained_share", ascending=False)

"""Messages for fits that end at a boundary of the parameter space.

A buy-till-you-die model mixes two processes (buying and leaving) over customers with
gamma or beta distributions. At the boundary of the parameter space one of them
collapses: the drop-out process vanishes (nobody ever leaves, the model reduces to an
NBD or a beta-binomial), or a mixing distribution loses its spread (every customer has
the same rate). The fit is still a maximum of the likelihood, but its predictions mean
something narrower, and the standard errors there are not defined. These helpers
write one message per finding, saying what collapsed and what it means.
"""

from __future__ import annotations

__all__ = ["dropout_collapsed", "homogeneous"]


def dropout_collapsed(
    model: str, params: dict[str, float], p_drop: float, t_max: float, reduces_to: str, extra: str = ""
) -> str:
    """Message for a drop-out process that collapsed (nobody leaves within the observed window)."""
    shown = ", ".join(f"{k} = {v:.3g}" for k, v in params.items())
    return (
        f"{model} fit at a boundary: the drop-out process collapsed ({shown}{extra}); under the fitted "
        f"model a new customer has a {p_drop:.2g} chance of having left by the longest observed age "
        f"({t_max:g} time units). The model has reduced to {reduces_to}: P(alive) is 1 (or "
        f"practically 1) for everyone and expected purchases continue at each customer's buying rate "
        f"without end, so long-horizon forecasts and CLV are upper bounds. The data show no sign of "
        f"customers leaving within the calibration period: use a longer calibration period, count "
        f"purchases as distinct days (count='days'), or compare with another model."
    )


def homogeneous(model: str, what: str, params: dict[str, float], common: str) -> str:
    """Message for a mixing distribution whose spread vanished (one rate for everyone)."""
    shown = ", ".join(f"{k} = {v:.3g}" for k, v in params.items())
    return (
        f"{model} fit at a boundary: the heterogeneity of {what} vanished ({shown}); every customer "
        f"gets the same {what} ({common}). Predictions no longer distinguish customers by their "
        f"{what}, and the standard errors of these parameters are not reliable."
    )

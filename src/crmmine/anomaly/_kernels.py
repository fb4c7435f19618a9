"""Compiled loops over meters and days (numba): one pass, no meters x days temporaries."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["daily_features", "longest_run_starts", "longest_runs", "running_median_rows"]


@numba.njit(cache=True)
def longest_runs(mask: np.ndarray) -> np.ndarray:
    """Longest run of True per row of a boolean matrix."""
    n, T = mask.shape
    out = np.zeros(n, np.int64)
    for i in range(n):
        cur = 0
        best = 0
        for t in range(T):
            if mask[i, t]:
                cur += 1
                if cur > best:
                    best = cur
            else:
                cur = 0
        out[i] = best
    return out


@numba.njit(cache=True)
def longest_run_starts(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start column and length of the longest run of True per row (start -1 when there is none)."""
    n, T = mask.shape
    start = np.full(n, -1, np.int64)
    length = np.zeros(n, np.int64)
    for i in range(n):
        cur = 0
        for t in range(T):
            if mask[i, t]:
                cur += 1
                if cur > length[i]:
                    length[i] = cur
                    start[i] = t - cur + 1
            else:
                cur = 0
    return start, length


@numba.njit(cache=True)
def running_median_rows(y: np.ndarray, h: int) -> np.ndarray:
    """Running median over a window of ``2h + 1`` columns per row (edges repeat the end values).

    An edge-preserving smoother: a lasting step survives, a dip of at most ``h`` columns does not.
    The window is kept sorted and updated by one removal and one insertion per step.
    """
    n, W = y.shape
    out = np.empty_like(y)
    width = 2 * h + 1
    buf = np.empty(width)
    for i in range(n):
        # initial window for column 0: columns -h..h clipped to the ends
        for j in range(width):
            c = j - h
            if c < 0:
                c = 0
            elif c > W - 1:
                c = W - 1
            buf[j] = y[i, c]
        buf.sort()
        out[i, 0] = buf[h]
        for w in range(1, W):
            old_c = w - h - 1
            new_c = w + h
            old = y[i, 0 if old_c < 0 else (W - 1 if old_c > W - 1 else old_c)]
            new = y[i, 0 if new_c < 0 else (W - 1 if new_c > W - 1 else new_c)]
            # remove one copy of old
            k = 0
            while buf[k] != old:
                k += 1
            while k < width - 1:
                buf[k] = buf[k + 1]
                k += 1
            # insert new
            k = width - 1
            while k > 0 and buf[k - 1] > new:
                buf[k] = buf[k - 1]
                k -= 1
            buf[k] = new
            out[i, w] = buf[h]
    return out


@numba.njit(cache=True)
def daily_features(
    X: np.ndarray,
    filled: np.ndarray,
    has_filled: bool,
    med: np.ndarray,
    profile: np.ndarray,
    group: np.ndarray,
    change: np.ndarray,
    zero_kwh: float,
    low_share: float,
) -> np.ndarray:
    """Daily features of each meter in one pass.

    Returns an ``(n, 12)`` array: zero_run, zero_share, low_run, flat_share, roughness before /
    after the change day with their variances and counts (for a standardised change), and the
    correlation of the meter's readings with its peer profile.
    """
    n, T = X.shape
    out = np.zeros((n, 12))
    for i in range(n):
        g = group[i]
        k = change[i]
        low_cut = low_share * med[i]
        floor = 0.01 * med[i] if med[i] > 0 else 1e-6
        zrun = 0
        zbest = 0
        zcount = 0
        lrun = 0
        lbest = 0
        flat = 0
        pairs = 0
        s_b = 0.0
        ss_b = 0.0
        c_b = 0
        s_a = 0.0
        ss_a = 0.0
        c_a = 0
        sx = 0.0
        sp = 0.0
        sxx = 0.0
        spp = 0.0
        sxp = 0.0
        prev = 0.0
        prev_ok = False
        prev_real = False
        for t in range(T):
            x = X[i, t]
            real = not (has_filled and filled[i, t])
            if real and x <= zero_kwh:
                zrun += 1
                zcount += 1
                if zrun > zbest:
                    zbest = zrun
            else:
                zrun = 0
            if real and x < low_cut:
                lrun += 1
                if lrun > lbest:
                    lbest = lrun
            else:
                lrun = 0
            ok = real and x >= low_cut and x > zero_kwh
            if t > 0 and real and prev_real:
                pairs += 1
                if x > zero_kwh and abs(x - prev) <= 1e-9 * max(abs(x), 1.0):
                    flat += 1
            if t > 0 and ok and prev_ok:
                d = abs(np.log(max(x, floor)) - np.log(max(prev, floor)))
                if t >= k:
                    s_a += d
                    ss_a += d * d
                    c_a += 1
                else:
                    s_b += d
                    ss_b += d * d
                    c_b += 1
            xn = x / med[i] if med[i] > 0 else x
            p = profile[g, t]
            sx += xn
            sp += p
            sxx += xn * xn
            spp += p * p
            sxp += xn * p
            prev = x
            prev_ok = ok
            prev_real = real
        out[i, 0] = zbest
        out[i, 1] = zcount / T
        out[i, 2] = lbest
        out[i, 3] = flat / pairs if pairs > 0 else 0.0
        out[i, 4] = s_b / c_b if c_b > 0 else np.nan
        out[i, 5] = (ss_b - s_b * s_b / c_b) / (c_b - 1) if c_b > 1 else np.nan
        out[i, 6] = c_b
        out[i, 7] = s_a / c_a if c_a > 0 else np.nan
        out[i, 8] = (ss_a - s_a * s_a / c_a) / (c_a - 1) if c_a > 1 else np.nan
        out[i, 9] = c_a
        cov = sxp - sx * sp / T
        vx = sxx - sx * sx / T
        vp = spp - sp * sp / T
        out[i, 10] = cov / np.sqrt(vx * vp) if vx > 0 and vp > 0 else 0.0
        out[i, 11] = sx / T
    return out

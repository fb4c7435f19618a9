"""Thread limits for model fits: ``n_jobs`` decides, not ``OMP_NUM_THREADS``.

scikit-learn's gradient boosting uses OpenMP and the linear models use BLAS;
both start one thread per core by default. On a machine shared with other
processes those threads spin against each other: 5-fold cross-validation of
gradient boosting on the 3,333-row telecom table took 230 s on 2 busy cores
instead of about 1 s (issue 10). Every fit and prediction of crmmine's
models therefore runs inside :func:`thread_limits`, which caps BLAS and
OpenMP at the model's ``n_jobs`` (``None`` = 1, ``-1`` = all cores) with
threadpoolctl, and numba's parallel loops (used by the Pareto/NBD kernels)
with ``numba.set_num_threads``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["effective_n_jobs", "thread_limits"]


def effective_n_jobs(n_jobs: int | None) -> int:
    """Number of threads for ``n_jobs``: ``None`` is 1, ``-1`` all cores, ``-2`` all but one.

    Examples
    --------
    >>> effective_n_jobs(None), effective_n_jobs(2)
    (1, 2)
    >>> effective_n_jobs(-1) >= 1
    True
    """
    if n_jobs is None:
        return 1
    if n_jobs < 0:
        from joblib import cpu_count

        return max(1, cpu_count() + 1 + n_jobs)
    return max(1, int(n_jobs))


@contextlib.contextmanager
def thread_limits(n_jobs: int | None) -> Iterator[Any]:
    """A context manager limiting BLAS, OpenMP and numba threads to ``effective_n_jobs(n_jobs)``.

    Examples
    --------
    >>> from threadpoolctl import threadpool_info
    >>> with thread_limits(None):
    ...     all(p["num_threads"] == 1 for p in threadpool_info())
    True
    """
    import numba
    from threadpoolctl import threadpool_limits

    n = effective_n_jobs(n_jobs)
    previous = numba.get_num_threads()
    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    try:
        with threadpool_limits(limits=n) as limits:
            yield limits
    finally:
        numba.set_num_threads(previous)

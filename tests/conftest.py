"""Shared fixtures: the public data folder, the example runner, and one backend fixture.

The ``backend`` fixture runs a test once per dataframe engine, the way skrub's
``df_module`` and narwhals' ``constructor`` do: pandas, polars (eager and lazy)
and DuckDB always, PySpark where it and Java are installed (one local Spark
session for the whole test session; the Spark cases skip with the reason
otherwise, and carry the ``spark`` marker so ``-m "not spark"`` leaves them out).
A test builds its input in pandas and hands it to the engine::

    def test_same_on_every_engine(backend):
        tx = pd.DataFrame({...})
        got = cm.customer_summary(backend.table(tx), as_of="2011-01-31")
        assert backend.is_native(got)                  # output follows input
        pd.testing.assert_frame_equal(backend.to_pandas(got, index="customer_id"),
                                      cm.customer_summary(tx, as_of="2011-01-31"))

``backend.table(df)`` converts a pandas frame, ``backend.to_pandas(result, index=...)``
collects a result back (datetimes naive, rows sorted by ``index`` when given),
``backend.is_native(result)`` checks the output kind, ``backend.name`` and
``backend.lazy`` say which engine runs. ``local_backend`` is the same fixture
without Spark (a Spark job costs seconds: keep Spark to one or two tests per
module), ``eager_backend`` only pandas and polars.
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository; skips the test when it is absent."""
    if not SHARED_DATA.exists():
        pytest.skip(f"../shared/data not found at {SHARED_DATA.resolve()}: public datasets absent")
    return SHARED_DATA


@pytest.fixture
def run_example(capsys):
    """Run ``examples/<name>`` as a script; returns what it printed (fails on a non-zero exit)."""
    import runpy
    import sys

    def run(name: str) -> str:
        script = Path(__file__).resolve().parents[1] / "examples" / name
        old = sys.argv
        sys.argv = [str(script)]
        try:
            with pytest.raises(SystemExit) as done:
                runpy.run_path(str(script), run_name="__main__")
        finally:
            sys.argv = old
        assert done.value.code == 0, f"{name} exited with {done.value.code}"
        return capsys.readouterr().out

    return run


# ------------------------------------------------------------------------------- backends

def _live_spark():
    """The local test session, created (or re-created after another module stopped it)."""
    from pyspark.sql import SparkSession

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        session = (
            SparkSession.builder.master("local[1]")
            .appName("crmmine-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "1")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            # small test tables: compiling generated code costs more than it saves
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
            .config("spark.sql.adaptive.enabled", "false")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    return session


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session (UTC, one core) for the whole test session; skips without Spark.

    Use :func:`_live_spark` (``backend.session``) rather than holding the object: a module
    that stops "its" session stops this one too, and it is then re-created.
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("PySpark is not installed (extra 'spark')")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: PySpark cannot start")
    from pyspark.sql import SparkSession

    session = _live_spark()
    yield session
    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


def _naive(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for name in out.columns:
        dtype = out[name].dtype
        if isinstance(dtype, pd.DatetimeTZDtype):
            out[name] = out[name].dt.tz_convert("UTC").dt.tz_localize(None)
        if pd.api.types.is_datetime64_any_dtype(out[name].dtype):
            out[name] = out[name].astype("datetime64[us]")
    return out


@dataclass
class Backend:
    """One dataframe engine for a test (see the module docstring)."""

    name: str
    spark: bool = False

    @property
    def session(self) -> Any:
        """The live Spark session (None for the other engines)."""
        return _live_spark() if self.spark else None

    @property
    def lazy(self) -> bool:
        return self.name in ("polars-lazy", "duckdb", "pyspark")

    def table(self, frame: pd.DataFrame) -> Any:
        """The pandas ``frame`` as a table of this engine."""
        if self.name == "pandas":
            return frame.copy()
        if self.name in ("polars", "polars-lazy"):
            import polars as pl

            out = pl.from_pandas(frame)
            return out.lazy() if self.name == "polars-lazy" else out
        if self.name == "duckdb":
            import duckdb

            return duckdb.from_df(frame.copy())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.session.createDataFrame(frame)

    def is_native(self, result: Any) -> bool:
        """True when ``result`` is a table of this engine (output follows input)."""
        from crmmine import _backend

        return _backend.backend_of(result) == self.name

    def to_pandas(self, result: Any, *, index: str | None = None) -> pd.DataFrame:
        """A result collected into pandas, datetimes naive (us); sorted by ``index`` when given."""
        if isinstance(result, pd.DataFrame):
            frame = result
            if index is not None and frame.index.name == index:
                frame = frame.reset_index()
        else:
            import narwhals as nw

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                native = nw.from_native(result)
                if isinstance(native, nw.LazyFrame):
                    native = native.collect()
                frame = native.to_pandas()
        frame = _naive(frame)
        if index is not None:
            frame = frame.sort_values(index, kind="stable").set_index(index)
        return frame


_BACKENDS = [
    "pandas",
    "polars",
    "polars-lazy",
    "duckdb",
    pytest.param("pyspark", marks=pytest.mark.spark),
]


@pytest.fixture(params=_BACKENDS)
def backend(request) -> Backend:
    """Run the test on pandas, polars (eager, lazy), DuckDB and, where installed, Spark."""
    if request.param == "pyspark":
        request.getfixturevalue("spark_session")  # skips, saying why, without Spark or Java
    return Backend(request.param, spark=request.param == "pyspark")


@pytest.fixture(params=["pandas", "polars", "polars-lazy", "duckdb"])
def local_backend(request) -> Backend:
    """pandas, polars (eager, lazy) and DuckDB: every in-process engine, without Spark's cost."""
    return Backend(request.param)


@pytest.fixture(params=["pandas", "polars"])
def eager_backend(request) -> Backend:
    """pandas and polars only (for tests that need a second library but no engine)."""
    return Backend(request.param)

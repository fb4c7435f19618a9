"""Product catalog for up-selling: each item's category, price, value ladder tier and margin.

Up-selling moves a customer to a higher-value product of the same category.
:func:`product_catalog` builds the table the up-sell tools read: one row per
item with its ``category``, typical ``price`` (the median unit price of its
order lines), its price ``tier`` within the category (1 = cheapest) and the
``value`` per unit that offers are ranked by (the margin when given, else the
price). :func:`online_retail_category` derives a category from the product
descriptions of the UCI Online Retail data, which carries no hierarchy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import Interval, validate_params
from crmmine.association._tables import column_names, read_columns
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["ONLINE_RETAIL_PRODUCT_TYPES", "online_retail_category", "product_catalog"]

#: Product-type nouns of the Online Retail descriptions, in their singular form. An item's category is
#: the last of these words in its description ("JUMBO BAG RED RETROSPOT" -> "BAG").
ONLINE_RETAIL_PRODUCT_TYPES = frozenset([
    "APRON", "BAG", "BASKET", "BELL", "BOOK", "BOTTLE", "BOWL", "BOX", "BRACELET", "BUNTING", "CABINET",
    "CAKESTAND", "CANDLE", "CANDLEHOLDER", "CARD", "CASE", "CHALKBOARD", "CHARM", "CLOCK", "COASTER",
    "COVER", "CUP", "CUSHION", "CUTLERY", "DECORATION", "DISH", "DOORMAT", "DOORSTOP", "EARRING",
    "FRAME", "GARLAND", "GLASS", "HANGER", "HOLDER", "HOOK", "JAR", "JUG", "KIT", "LAMP", "LANTERN",
    "LIGHT", "MAGNET", "MIRROR", "MUG", "NAPKIN", "NECKLACE", "NOTEBOOK", "ORNAMENT", "PAD", "PEN",
    "PENCIL", "PLATE", "POT", "PURSE", "RACK", "RIBBON", "RING", "SAUCER", "SIGN", "SPONGE", "STAND",
    "STICKER", "TAG", "TAPE", "TEACUP", "THERMOMETER", "TIN", "TISSUE", "TOWEL", "TOY", "TRAY",
    "UMBRELLA", "VASE", "WALLET", "WRAP",
])

_WORD = re.compile(r"[A-Z]+")


def _singular(word: str) -> str:
    if word.endswith("IES") and len(word) > 4:
        return word[:-3] + "Y"
    if word.endswith(("XES", "SSES", "CHES", "SHES")):
        return word[:-2]
    if word.endswith("S") and not word.endswith("SS"):
        return word[:-1]
    return word


def _description_category(text: Any, types: frozenset[str]) -> str:
    for word in reversed(_WORD.findall(str(text).upper())):
        noun = _singular(word)
        if noun in types:
            return noun
    return "OTHER"


def online_retail_category(
    tx: Any,
    *,
    description: str = "Description",
    product_types: frozenset[str] | None = None,
    columns: Mapping[str, str] | Columns | None = None,
    item: str | None = None,
) -> pd.Series:
    """Item -> category for the UCI Online Retail data, from the product descriptions.

    The category is the product type named in the description: the last
    word that is one of :data:`ONLINE_RETAIL_PRODUCT_TYPES` once plurals are
    made singular ("WHITE HANGING HEART T-LIGHT HOLDER" -> ``"HOLDER"``,
    "JUMBO BAG RED RETROSPOT" -> ``"BAG"``, "SET OF 3 CAKE TINS PANTRY DESIGN"
    -> ``"TIN"``). Items whose description names none of them get ``"OTHER"``.
    StockCode variants (``85123A``, ``85123B``) are colours or sizes of one
    product and fall in the same category through their shared description
    words. An item with several descriptions takes its most frequent one.

    Parameters
    ----------
    tx : table
        Transactions with the item and description columns.
    description : str, default "Description"
        Column with the product description.
    product_types : frozenset of str, optional
        Replace the list of product-type nouns (upper case, singular).
    columns, item
        Column name of the item.

    Returns
    -------
    Series
        Category per item (indexed by item, named ``"category"``).

    See Also
    --------
    product_catalog : takes this function (or its result) as ``category``.
    ONLINE_RETAIL_PRODUCT_TYPES : the product-type nouns looked for.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"item": ["85099B", "20725", "21755"],
    ...                    "Description": ["JUMBO BAG RED RETROSPOT", "LUNCH BAG RED RETROSPOT",
    ...                                    "LOVE BUILDING BLOCK WORD"]})
    >>> online_retail_category(tx).to_dict()
    {'20725': 'BAG', '21755': 'OTHER', '85099B': 'BAG'}

    References
    ----------
    Chen, D., Sain, S. L., Guo, K. (2012). Data mining for the online retail
    industry: a case study of RFM model-based customer segmentation using data
    mining. Journal of Database Marketing & Customer Strategy Management
    19(3), 197-208 (the data).
    """
    cols = resolve_columns(columns, item=item)
    frame = read_columns(tx, [cols.item, description])
    types = ONLINE_RETAIL_PRODUCT_TYPES if product_types is None else frozenset(product_types)
    counts = frame.groupby([cols.item, description], sort=False).size().reset_index(name="n")
    counts = counts.sort_values([cols.item, "n"], ascending=[True, False], kind="stable")
    first = counts.drop_duplicates(cols.item).set_index(cols.item)[description]
    out = first.map(lambda text: _description_category(text, types)).rename("category")
    return out.sort_index()


@validate_params({
    "tiers": [Interval(Integral, 2, None)],
    "min_lines": [Interval(Integral, 1, None)],
})
def product_catalog(
    tx: Any,
    category: Mapping[Any, Any] | pd.Series | str | Callable[[pd.Series], pd.Series],
    *,
    tiers: int = 3,
    margin: float | Mapping[Any, float] | pd.Series | None = None,
    min_lines: int = 1,
    columns: Mapping[str, str] | Columns | None = None,
    item: str | None = None,
    quantity: str | None = None,
    amount: str | None = None,
    unit_price: str | None = None,
) -> pd.DataFrame:
    """One row per item: category, typical price, price tier within the category, value per unit.

    Parameters
    ----------
    tx : table
        Order lines with item and price columns: ``unit_price``, or ``amount``
        and ``quantity`` (the price is then amount / quantity).
    category : mapping, Series, column name or callable
        The product hierarchy item -> category: a mapping or Series, the name
        of a column of ``tx``, or a function of ``tx`` returning such a Series
        (e.g. :func:`online_retail_category`). Items without a category are
        left out of the catalog (they cannot be up-sold) and counted in
        ``attrs["items_without_category"]``.
    tiers : int, default 3
        Number of price tiers per category: an item's tier is
        ``ceil(tiers * r)`` where ``r`` is the percentile rank of its price
        among the category's items (ties share a tier; a category with fewer
        distinct prices has fewer tiers).
    margin : float, mapping or Series, optional
        The profit share of the price (docs/conventions.md: a fraction in
        [0, 1]), for all items or per item (a mapping item -> margin); the
        value per unit is ``margin * price``. By default the value is the price
        (a constant margin ranks offers the same way).
    min_lines : int, default 1
        Items sold in fewer order lines are left out (their price is unsure).
    columns, item, quantity, amount, unit_price
        Column names.

    Returns
    -------
    DataFrame
        Indexed by item: ``category``, ``price`` (median unit price), ``lines``
        (order lines), ``tier`` (1 = cheapest in the category), ``n_tiers``
        (tiers of the category) and ``value`` (per unit).

    See Also
    --------
    online_retail_category : a category per item for the Online Retail data.
    UpsellModel : learns who moves up a category's tiers and what to offer.
    upsell_features : the history of each (customer, category) pair, on this catalog.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"item": ["mug-s", "mug-l", "mug-xl", "tea"], "quantity": [1, 1, 1, 2],
    ...                    "amount": [2.0, 3.5, 6.0, 4.0]})
    >>> cat = product_catalog(tx, {"mug-s": "mug", "mug-l": "mug", "mug-xl": "mug", "tea": "tea"})
    >>> cat[["category", "price", "tier", "n_tiers"]].values.tolist()
    [['mug', 3.5, 2, 3], ['mug', 2.0, 1, 3], ['mug', 6.0, 3, 3], ['tea', 2.0, 1, 1]]

    References
    ----------
    Kamakura, W. A., Wedel, M., de Rosa, F., Mazzon, J. A. (2003). Cross-selling
    through database marketing: a mixed data factor analyzer for data
    augmentation and prediction. International Journal of Research in
    Marketing 20(1), 45-65.
    """
    cols = resolve_columns(columns, item=item, quantity=quantity, amount=amount)
    price_col = unit_price
    names = column_names(tx)
    if price_col is None and "unit_price" in names:
        price_col = "unit_price"
    needed = [cols.item] + ([price_col] if price_col else [cols.amount, cols.quantity])
    if isinstance(category, str):
        needed.append(category)
    frame = read_columns(tx, needed, names=names)
    if price_col:
        price = frame[price_col].astype(float)
    else:
        qty = frame[cols.quantity].astype(float)
        bad = ~(qty > 0)
        if bad.any():
            raise bad_rows_error(cols.quantity,
                                 "non-positive quantities (the unit price is amount / quantity)",
                                 frame.loc[bad], int(bad.sum()),
                                 "clean the transactions first (clean_transactions(returns='drop'))")
        price = frame[cols.amount].astype(float) / qty
    bad = ~(np.isfinite(price.to_numpy()) & (price.to_numpy() > 0))
    if bad.any():
        raise bad_rows_error(price_col or cols.amount, "unit prices that are missing, zero, negative or "
                             "infinite", frame.loc[bad], int(bad.sum()),
                             "clean the transactions first (clean_transactions(returns='drop'))")
    stats = pd.DataFrame({"item": frame[cols.item].to_numpy(), "price": price.to_numpy()})
    per_item = stats.groupby("item", sort=True)["price"].agg(["median", "size"])
    per_item.columns = ["price", "lines"]
    if isinstance(category, str):
        mapping = frame.drop_duplicates(cols.item).set_index(cols.item)[category]
    elif callable(category) and not isinstance(category, (Mapping, pd.Series)):
        mapping = category(tx)
    else:
        mapping = category if isinstance(category, pd.Series) else pd.Series(dict(category), dtype=object)
    if not isinstance(mapping, pd.Series):
        raise ParameterError("parameter 'category' must give a Series item -> category "
                             f"(a mapping, a column name or a function of tx), got {type(mapping).__name__}.")
    if not mapping.index.is_unique:
        dup = mapping.index[mapping.index.duplicated()]
        raise bad_rows_error("category", "items mapped to more than one category", pd.Series(dup),
                             len(dup), "give each item exactly one category", error=ParameterError)
    per_item["category"] = mapping.reindex(per_item.index).to_numpy()
    no_category = per_item["category"].isna()
    catalog = per_item[~no_category & (per_item["lines"] >= min_lines)].copy()
    if catalog.empty:
        raise DataError("no item has a category and enough order lines to build a catalog. Fix: check "
                        "that the category mapping uses the item codes of tx.")
    pct = catalog.groupby("category")["price"].rank(method="max", pct=True)
    tier_raw = np.ceil(pct.to_numpy() * tiers - 1e-9).clip(1, tiers)
    # renumber so that each category's tiers run 1..k without gaps
    catalog["tier"] = pd.Series(tier_raw, index=catalog.index).groupby(catalog["category"]).rank(
        method="dense").astype(np.int64)
    catalog["n_tiers"] = catalog.groupby("category")["tier"].transform("max").astype(np.int64)
    if margin is None:
        catalog["value"] = catalog["price"]
    elif isinstance(margin, Real) and not isinstance(margin, bool):
        if not 0 < float(margin) <= 1:
            raise ParameterError(f"parameter 'margin' must be a fraction in (0, 1], got {margin!r}.")
        catalog["value"] = catalog["price"] * float(margin)
    else:
        rates = margin if isinstance(margin, pd.Series) else pd.Series(dict(margin), dtype=float)
        rate = rates.reindex(catalog.index).astype(float)
        lacking = rate.isna()
        if lacking.any():
            raise bad_rows_error("margin", "items without a margin", pd.Series(catalog.index[lacking]),
                                 int(lacking.sum()), "give a margin for every item of the catalog",
                                 error=ParameterError)
        outside = ~rate.between(0, 1)
        if outside.any():
            raise bad_rows_error("margin", "margins outside [0, 1] (a margin is a share of the price)",
                                 rate[outside], int(outside.sum()),
                                 "give each margin as a fraction of the price, e.g. 0.35",
                                 error=ParameterError)
        catalog["value"] = catalog["price"] * rate.to_numpy()
    catalog.index.name = cols.item
    catalog = catalog[["category", "price", "lines", "tier", "n_tiers", "value"]]
    catalog.attrs["items_without_category"] = int(no_category.sum())
    return catalog

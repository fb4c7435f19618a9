"""What each customer is worth: buy-till-you-die models, CLV and holdout validation.

Transaction models (fitted on a customer summary's ``frequency``, ``recency``
and ``T``): :class:`BGNBD`, :class:`ParetoNBD`, :class:`MBGNBD`; for discrete
opportunities :class:`BGBB`; for spend :class:`GammaGamma`.  :func:`clv`
combines a transaction model and a spend model into discounted customer
lifetime value; :func:`holdout_validation` compares models on a holdout period.
"""

from crmmine.value.bgbb import BGBB
from crmmine.value.bgnbd import BGNBD
from crmmine.value.gammagamma import GammaGamma
from crmmine.value.mbgnbd import MBGNBD
from crmmine.value.paretonbd import ParetoNBD

__all__ = ["BGBB", "BGNBD", "MBGNBD", "GammaGamma", "ParetoNBD"]

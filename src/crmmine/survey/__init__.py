"""Satisfaction and loyalty surveys: PLS path models (ECSI/ACSI), NPS, importance-performance.

:class:`PLSPathModel` estimates a customer satisfaction index by PLS path modelling;
:func:`net_promoter_score` gives the NPS with intervals; :func:`importance_performance`
maps the drivers of satisfaction or loyalty; :func:`satisfaction_loyalty` finds satisfied but
disloyal customers (the satisfaction trap); :func:`complaint_statistics` summarises complaints
and their effect on loyalty; :func:`make_survey` draws a survey with a known structure.
"""

from crmmine.survey.complaints import COMPLAINT_ROLES, ComplaintStatistics, complaint_statistics
from crmmine.survey.drivers import IPAResult, LoyaltyQuadrants, importance_performance, satisfaction_loyalty
from crmmine.survey.nps import NPSResult, net_promoter_score
from crmmine.survey.pls import ECSI_BLOCKS, ECSI_PATHS, PLSPathModel
from crmmine.survey.synthetic import DEFAULT_SURVEY_PATHS, SyntheticSurvey, make_survey

__all__ = [
    "COMPLAINT_ROLES",
    "ComplaintStatistics",
    "DEFAULT_SURVEY_PATHS",
    "ECSI_BLOCKS",
    "ECSI_PATHS",
    "IPAResult",
    "LoyaltyQuadrants",
    "NPSResult",
    "PLSPathModel",
    "SyntheticSurvey",
    "complaint_statistics",
    "importance_performance",
    "make_survey",
    "net_promoter_score",
    "satisfaction_loyalty",
]

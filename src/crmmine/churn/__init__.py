"""crmmine.churn (under construction)."""

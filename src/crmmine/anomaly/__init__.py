"""crmmine.anomaly (under construction)."""

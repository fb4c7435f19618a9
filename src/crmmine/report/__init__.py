"""crmmine.report (under construction)."""

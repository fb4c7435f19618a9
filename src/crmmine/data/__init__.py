"""crmmine.data (under construction)."""

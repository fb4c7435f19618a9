"""crmmine.association (under construction)."""

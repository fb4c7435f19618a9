"""crmmine.value (under construction)."""

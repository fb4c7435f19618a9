"""crmmine: customer analytics and data mining for CRM."""

__version__ = "0.1.0"

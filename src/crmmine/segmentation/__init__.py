"""crmmine.segmentation (under construction)."""

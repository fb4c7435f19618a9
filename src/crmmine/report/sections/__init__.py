"""Report sections, one module per analysis package; each calls that package's public API."""

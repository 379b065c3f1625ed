"""Reports: turn scored runs into tables (terminal now; the paper's tables and HTML come next)."""

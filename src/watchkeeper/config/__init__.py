"""Configuration as code (export, plan, apply) and importers from other paging tools."""

"""Importers from other paging tools: read their saved API responses, plan, then apply."""

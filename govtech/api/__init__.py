"""The JSON API under /api/v1: personal tokens, resources over the same services as the pages, OpenAPI 3."""

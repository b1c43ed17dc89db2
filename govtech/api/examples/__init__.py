"""Runnable examples of the API (see govtech/api/README.md)."""

"""Shared pieces: reference data, audit trail, security, errors, i18n helpers."""

"""Accounts: users, roles, sign-in, password changes, login throttling."""

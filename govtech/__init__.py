"""GovTech Tokyo shared-services portal."""

__version__ = "0.1.0"

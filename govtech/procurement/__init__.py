"""Joint procurement (共同調達): pure algorithms for pooling requests, estimating savings and allocating costs.

``pooling``, ``savings`` and ``allocation`` use only numpy, scipy and scikit-learn: no Flask, no database.
"""

"""PostgreSQL as Django's database backend, with a health check that costs no round trip (`base.py`)."""

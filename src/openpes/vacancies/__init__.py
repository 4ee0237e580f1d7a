"""The vacancy pool: intake from every channel, normalisation, dedup, screening, review and search
(PRODUCT.md capabilities 4 and 5)."""

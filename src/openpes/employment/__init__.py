"""Employment and unemployment registration, the status timeline, key groups, tiered service,
zero-employment households and the labour-force survey import (PRODUCT.md capability 3)."""

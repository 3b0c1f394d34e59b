"""Settings shared by the whole test suite."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# The suite runs beside notebook kernels on a 2-core machine: judge Hypothesis examples by
# what they find, not by how long one took.
settings.register_profile("lab", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("lab")

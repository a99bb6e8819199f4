"""Settings for black-box scans (bench/scan.py): Tending's own, with throttles out of the way.

The scanners send thousands of requests as one person from one address. With the real limits
they would mostly see the 429 page and sign-in lockouts, and so test those instead of the
views. The limits themselves are tested in tending/accounts/tests/test_rate_limits.py.
"""

from tending.settings import *  # noqa: F403
from tending.settings import RATE_LIMITS

RATE_LIMITS = {name: (1_000_000, seconds) for name, (_, seconds) in RATE_LIMITS.items()}
AXES_ENABLED = False

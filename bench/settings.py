"""Settings for benchmark runs: Tending's own, plus two comparison pages (see urls.py)."""

from tending.settings import *  # noqa: F403
from tending.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]

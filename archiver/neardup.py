"""Near-duplicate sketches, now in archiver.dedup.sketch; this name stays for existing imports."""

from .dedup.sketch import *  # noqa: F401,F403
from .dedup.sketch import TextSketch as Prepared  # noqa: F401  deprecated: parsing.py still names it

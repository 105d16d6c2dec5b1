"""For the `piccolo` command run from a checkout (Piccolo's scaffold looks here first).

The configuration itself ships in the package: `server/piccolo_conf.py`.
"""

from server.piccolo_conf import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]

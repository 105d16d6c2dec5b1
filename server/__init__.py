"""Bridgework: rebuild trust at work, one plank at a time."""

import os

# Piccolo finds its configuration through PICCOLO_CONF when a table is first used.
# Set here, before any table is imported, so `bridgework`, `uvicorn server.app:…`
# and the tests find the packaged configuration from any folder (an operator's own
# PICCOLO_CONF wins).
os.environ.setdefault("PICCOLO_CONF", "server.piccolo_conf")

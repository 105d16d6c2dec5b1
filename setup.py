"""Ships web/ (templates, static files, the service worker) inside the wheel.

Everything else is in pyproject.toml. web/ stays at the top of the checkout and is
installed as the package data `server/_web` (found by `server.web.WEB_DIR`):
pyproject's `[tool.setuptools]` keys cannot map one package to another folder
while also finding the others.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["server", "server.*"]), "server._web"],
    package_dir={"server._web": "web"},
    package_data={
        "server._web": ["*.js", "templates/**/*", "static/**/*"],
        "server.accounts": ["common_passwords.txt"],
    },
)

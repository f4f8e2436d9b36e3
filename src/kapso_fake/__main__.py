"""``python -m kapso_fake``: the same as ``kapso-fake``."""

from .cli import main

main()

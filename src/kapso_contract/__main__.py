"""``python -m kapso_contract``."""

from .cli import main

main()

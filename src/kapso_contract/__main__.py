"""`python -m kapso_contract`: run the contract suite."""

from .runner import main

raise SystemExit(main())

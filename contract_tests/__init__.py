"""The contract suite: does a server honour Kapso's List contacts contract?

Runs against the embedded fake (default) or any server named by
``KAPSO_BASE_URL`` + ``KAPSO_API_KEY``, with every expectation read from the
spec. Run it with ``kapso-contract`` (the wheel ships this package as
``kapso_contract.suite``, so its modules import each other relatively) or,
in this repository, ``make contract``. See ``docs/contract-suite.md``.
"""

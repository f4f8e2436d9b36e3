"""The contract suite: does a server honour Kapso's List contacts contract?

Runs against the embedded fake (default) or any server named by
``KAPSO_BASE_URL`` + ``KAPSO_API_KEY``. See ``docs/contract-suite.md``.
"""

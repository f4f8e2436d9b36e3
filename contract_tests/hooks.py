"""Schemathesis hooks for `st run` (named by ``schemathesis.toml``): see `_schema.install_hooks`.

From the repository root::

    st --config-file contract_tests/schemathesis.toml run openapi/contacts.yaml \\
        --url http://127.0.0.1:8080/platform/v1 -H "X-API-Key: $KEY"
"""

from ._schema import install_hooks

install_hooks()

"""The contract suite (``kapso-contract``): does a server keep a Kapso list operation's contract?"""

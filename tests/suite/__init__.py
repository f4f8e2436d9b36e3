"""Tests of the contract suite itself: it must fail, clearly, against broken servers."""

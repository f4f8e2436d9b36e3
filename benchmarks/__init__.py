"""`make bench`: the fake against Prism, across sizes, the client, the rate limit, the suite."""

"""`python -m load` (what `make load` runs); see docs/load-testing.md."""

import sys

import locust  # noqa: F401  first: it monkey-patches the standard library for gevent

from load.run import main

sys.exit(main())

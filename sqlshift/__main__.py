"""``python -m sqlshift``: the same command line as the ``sqlshift`` script."""

from __future__ import annotations

import sys

from sqlshift.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""Entry script of the frozen `motcua` (installer/motcua.spec): the console script's target."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())

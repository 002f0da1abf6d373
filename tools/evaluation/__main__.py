"""`python -m tools.evaluation`: see tools/evaluation/cli.py."""

import sys

from tools.evaluation.cli import main

sys.exit(main())

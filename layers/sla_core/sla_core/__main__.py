"""Entry point for `python -m sla_core`."""

import sys

from sla_core.cli import main

sys.exit(main())

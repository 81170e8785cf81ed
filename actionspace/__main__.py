"""``python -m actionspace`` (and ``accelerate launch -m actionspace``) runs the CLI."""

import sys

from actionspace.cli import main

sys.exit(main())

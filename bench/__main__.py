"""``python -m bench``: measure the dashboard at several data sizes (see ``bench/run.py``)."""

import sys

from bench.run import main

sys.exit(main())

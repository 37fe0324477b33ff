"""``python deploy/init_db.py DATA``: the database at ``$DASHBOARD_DATABASE_URL`` made ready for
the replicas: its schema created or migrated (``python -m dashboard db init``) and, only while it
holds no data yet, the data folder ``DATA`` imported as its first version (``db import``).

Run before the replicas start, by ``scripts/cluster.sh`` and by compose.yaml's ``init`` service.
Running it again imports nothing: what staff saved since stays the current data.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a file, from anywhere

from dashboard import stores  # noqa: E402
from dashboard.__main__ import main as dashboard  # noqa: E402


def init(url: str, data: str) -> int:
    """The exit status: 0 when the database is ready, else the failing command's."""
    if status := dashboard(["db", "--url", url, "init"]):
        return status
    if stores.open_store(url, "").fingerprint():
        print("the database holds data already: nothing imported")
        return 0
    return dashboard(["db", "--url", url, "import", data, "--actor", "first import"])


if __name__ == "__main__":
    if len(sys.argv) != 2 or not os.environ.get(stores.DATABASE_URL_ENV):
        sys.exit(f"usage: {stores.DATABASE_URL_ENV}=postgresql+psycopg://... {sys.argv[0]} DATA")
    sys.exit(init(os.environ[stores.DATABASE_URL_ENV], sys.argv[1]))

"""``python -m bench``: measure the dashboard at several data sizes (see ``bench/run.py``);
``python -m bench load``: many visitors at once over Streamlit's protocol (``bench/load.py``);
``python -m bench soak``: the server's memory under a mixed crowd (``bench/soak.py``)."""

import sys

if sys.argv[1:2] == ["load"]:
    from bench.load import main

    sys.exit(main(sys.argv[2:]))
if sys.argv[1:2] == ["soak"]:
    from bench.soak import main

    sys.exit(main(sys.argv[2:]))

from bench.run import main

sys.exit(main())

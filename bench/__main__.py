"""``python -m bench``: measure the dashboard at several data sizes (see ``bench/run.py``);
``python -m bench load``: many visitors at once over Streamlit's protocol (``bench/load.py``),
or with ``--cluster N`` through nginx, 1 replica against N (``bench/cluster_load.py``);
``python -m bench soak``: the server's memory under a mixed crowd (``bench/soak.py``)."""

import sys

if sys.argv[1:2] == ["load"] and any(a.startswith("--cluster") for a in sys.argv[2:]):
    from bench.cluster_load import load_main

    sys.exit(load_main(sys.argv[2:]))
if sys.argv[1:2] == ["load"]:
    from bench.load import main

    sys.exit(main(sys.argv[2:]))
if sys.argv[1:2] == ["soak"]:
    from bench.soak import main

    sys.exit(main(sys.argv[2:]))

from bench.run import main

sys.exit(main())

"""The performance benchmark: ``python -m bench`` (see ``bench/run.py``)."""

"""healthaction: run a local Healthy China Action plan after it is issued."""

import os

__version__ = "0.1.0"

# polars allocates through its own jemalloc, which soon hands freed memory back to the system: an evaluation, allocating
# and freeing column after column, then faults the same pages in again (over a quarter of its CPU time was spent in
# the kernel at 50 M values). Keeping freed pages for 10 s before returning them halved that time; an idle process
# still gives the memory back. jemalloc reads this once, when polars loads: set here, before anything imports it.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:10000,muzzy_decay_ms:10000")

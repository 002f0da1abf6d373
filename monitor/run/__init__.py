"""run: the jobs that write the store — the daily run (daily), backfill, rescan, `sources check` (check),
with the run lock (lock) and the run log (runlog)."""

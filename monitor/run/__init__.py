"""run: the jobs that write the store — the one ingest path (ingest) that the daily run (daily, with its
sources), backfill and rescan all store through; `monitor extract`'s contract (contract); `sources
check` (check); the run lock (lock), the run log (runlog) and the progress bar (progress)."""

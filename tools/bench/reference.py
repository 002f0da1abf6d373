"""The reference of the speed targets as a command of its own: trafilatura's fast pass with metadata
(decode, then trafilatura.bare_extraction with measure.TRAFILATURA_FAST) over the pages of a folder, in
this one process, nothing of the monitor's own. For whole-process comparisons with a timing tool:

    /usr/bin/time -v python -m tools.bench.reference corpus/ --pages 2000
    /usr/bin/time -v monitor backfill corpus/ --workers 0 --only-matching --db /tmp/o.db --quiet

(`--workers 0`: the backfill too in one process; give it a fresh database each time.)
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from itertools import islice
from pathlib import Path

from monitor.run.archive import folder_pages
from monitor.run.backfill import Job
from tools.bench.corpus import BASE_URL
from tools.bench.measure import trafilatura_batch


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.reference", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder of saved pages (a corpus of `make bench`)")
    parser.add_argument("--pages", type=int, default=None, help="only the first PAGES pages")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    started = time.process_time()
    done = texts = 0
    for page in islice(folder_pages(args.folder, BASE_URL), args.pages):
        texts += sum(found.text is not None for found in trafilatura_batch([Job(page.url, page.raw, None, None)]))
        done += 1
    seconds = time.process_time() - started
    print(f"trafilatura fast+metadata: {done} pages, {texts} with text, {seconds * 1000 / max(1, done):.2f} ms CPU "
          "a page")
    return 0


if __name__ == "__main__":
    sys.exit(main())

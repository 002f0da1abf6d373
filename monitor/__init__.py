"""monitor: finds launches of international communication centers in Chinese-language media.

The packages are the stages, in the order data flows; a module imports only from the stages listed
before its own, and from models and errors (the "layers" contract of import-linter in pyproject.toml,
run by `make lint`):

    sources/      feeds.toml loaded and checked; what a feed or a list page gives
    fetch/        the one HTTP client (retries, robots.txt, conditional GET), decoding bytes to text
    extract.py    HTML → Article: title, text, date, canonical URL
    normalize.py  the matching copy: simplified script, half-width, sentences (offsets back to the original)
    match/        the lexicon (lexicon/*.toml): automaton, jieba dictionary, editing; does it name a center
    events/       launch events: the center, its place, its date and its partners, with evidence
    store/        the SQLite store, the whole state: schema and migrations, articles, queue, copies, search
    run/          the jobs that write the store: the one ingest path, the daily run, backfill, rescan
    publish/      what leaves the store: digest, report and charts, registry exports, health, trends
    review/       the analysts' queue: decisions, the terminal review, the web app (review/web)
    cli/          the command line: options in, one library call, output out

models.py holds the records that flow between the stages and the vocabulary (levels, statuses,
reasons…); errors.py the errors people see. What is not the product (evaluation, benchmark, the
sample server of `make demo`) lives in tools/, beside the package.
"""

__version__ = "0.1.0"

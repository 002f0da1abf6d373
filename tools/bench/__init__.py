"""The speed benchmark behind `make bench`: a generated corpus, then throughput, stages and memory.

    python -m tools.bench --pages 10000 --out bench.json

`corpus` writes article pages made from the sample world's templates (samples/src) into a temporary
folder, one file at a time; `measure` runs extraction alone, the full processing (through the
backfill machinery, into a real SQLite file) and the analysis stages against a naive jieba baseline
on that corpus; `transfer` measures the bytes of two `monitor run`s over the sample server.
"""

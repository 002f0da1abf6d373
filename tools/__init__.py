"""Tooling that is not the product: the accuracy evaluation (make eval), the benchmark (make bench) and the
demo with its sample server (make demo). Never shipped in the wheel."""

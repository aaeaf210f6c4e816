"""The benchmarks behind `make bench` (scripts/bench.py): cold start, package size, contract
validation, handler overhead, cost per million orders and the local pipeline."""

// Benchmarks of arena-script's hot paths; docs/benchmarks.md records the figures.
print("usage: arena-bench <benchmark> [options]")

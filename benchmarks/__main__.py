"""``python -m benchmarks [--quick] [NAME ...]``: run the benchmarks and print their figures."""

from __future__ import annotations

import argparse
import importlib
import sys

from benchmarks import BENCHMARKS


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, fewer runs")
    args = parser.parse_args()
    chosen = [
        m
        for m in BENCHMARKS
        if not args.names or m.rsplit(".", 1)[-1].removeprefix("bench_") in args.names
    ]
    for module_name in chosen:
        module = importlib.import_module(module_name)
        print(f"== {module_name.rsplit('.', 1)[-1]} ==", flush=True)
        for line in module.run(args.quick):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# A benchmark smoke for CI (about a minute): the worker benchmark at a low rate and a few thousand
# follow-ups, failing when the worker's follow-up rate falls below a share of the bare consumer's rate in
# the same run (a ratio, never an absolute time), when a mention was not answered with a pod request, or
# when a session got a second pod.
# The threshold is half of the ratio recorded in docs/benchmarks.md, so a change that halves the worker's
# throughput fails the build; noise on a shared machine does not.
#
#   deploy/bench/smoke.sh            (BENCH_SMOKE_MIN_RATIO overrides the threshold)
set -euo pipefail
cd "$(dirname "$0")/../.."
# recorded with these settings: 0.64-0.88 of the bare consumer's rate in seven runs (docs/benchmarks.md, 2026-12-03);
# 0.30 is a little under half of the lowest
min_ratio=${BENCH_SMOKE_MIN_RATIO:-0.30}
out=$(ROUNDS=1 WARMUP_ROUNDS=0 WARMUP_SECONDS=${WARMUP_SECONDS:-10} deploy/bench/worker.sh 50 3 2000 2>&1) || { echo "$out" >&2; echo "benchmark smoke: the worker benchmark failed" >&2; exit 1; }
echo "$out" | grep -E '^\||^round|^the stand-in'
ratio=$(echo "$out" | sed -n 's/^round 1: .*ratio worker\/baseline: \([0-9.]*\).*/\1/p')
accepted=$(echo "$out" | sed -n 's/^round 1: \([0-9]*\) of [0-9]* mentions accepted, \([0-9]*\) pods requested.*/\1 \2/p')
read -r mentions pods <<<"$accepted"
if [ -z "$ratio" ] || [ -z "$mentions" ]; then
  echo "benchmark smoke: could not read the benchmark's figures" >&2
  exit 1
fi
if [ "$mentions" != "$pods" ]; then
  echo "benchmark smoke: $mentions mentions accepted but $pods pods requested" >&2
  exit 1
fi
if echo "$out" | grep -q '^the stand-in Kubernetes API answered: .*another pod of a session'; then
  echo "benchmark smoke: a session got a second pod, though nothing in the benchmark ends a run" >&2
  exit 1
fi
if ! awk -v r="$ratio" -v m="$min_ratio" 'BEGIN { exit !(r >= m) }'; then
  echo "benchmark smoke: follow-ups at $ratio of the bare consumer's rate, below $min_ratio (about half the lowest recorded ratio)" >&2
  exit 1
fi
echo "benchmark smoke: follow-ups at $ratio of the bare consumer's rate (at least $min_ratio), every mention got its pod"

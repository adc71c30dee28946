#!/usr/bin/env bash
# A benchmark smoke for CI (about two minutes), two parts, each a ratio against a baseline in the same run,
# never an absolute time:
#   - the worker benchmark at a low rate and a few thousand follow-ups, failing when the worker's follow-up
#     rate falls below a share of the bare consumer's rate, when a mention was not answered with a pod
#     request, or when a session got a second pod;
#   - one short round of the gateway benchmark, failing when the gateway's rate falls below a share of the
#     floor's (the same bodies stored without the gateway's own work) or an endpoint answered other than 200.
# Each threshold is about half of the lowest ratio recorded in docs/benchmarks.md with these settings, so a
# change that halves throughput fails the build; noise on a shared machine does not.
#
#   deploy/bench/smoke.sh            (BENCH_SMOKE_MIN_RATIO and BENCH_SMOKE_MIN_GATEWAY_RATIO override the thresholds)
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

# recorded with these settings: 0.74-0.95 of the floor's rate in seven runs (docs/benchmarks.md, 2026-12-03); 0.35
# is a little under half of the lowest
min_gateway_ratio=${BENCH_SMOKE_MIN_GATEWAY_RATIO:-0.35}
out=$(WARMUP_ROUNDS=1 SLICES=1 ROUNDS=1 deploy/bench/gateway.sh 3 32 2>&1) || { echo "$out" >&2; echo "benchmark smoke: the gateway benchmark failed" >&2; exit 1; }
echo "$out" | grep -E '^\|'
row=$(echo "$out" | grep '^| 1 |') || { echo "$out" >&2; echo "benchmark smoke: could not read the gateway benchmark's figures" >&2; exit 1; }
gateway_ratio=$(echo "$row" | awk -F'|' '{ gsub(/[ *]/, "", $6); print $6 }')
if ! echo "$row" | grep -q '| yes |$'; then
  echo "benchmark smoke: the gateway round is not valid (an answer other than 200, or too few events)" >&2
  exit 1
fi
if ! awk -v r="$gateway_ratio" -v m="$min_gateway_ratio" 'BEGIN { exit !(r >= m) }'; then
  echo "benchmark smoke: the gateway at $gateway_ratio of the floor's rate, below $min_gateway_ratio (about half the lowest recorded ratio)" >&2
  exit 1
fi
echo "benchmark smoke: the gateway at $gateway_ratio of the floor's rate (at least $min_gateway_ratio)"

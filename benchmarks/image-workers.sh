#!/usr/bin/env bash
# Image workers scale out: jobs/s of one worker process and of four, rounds alternating 1, 4, 1, 4 on
# one stack, with a wire-level OpenAI images fake answering after a fixed delay (I/O-bound jobs).
# Runs system-tests' ImageWorkerScalingBench (needs the services packaged: ./companion build).
# Usage: benchmarks/image-workers.sh [jobs=48] [provider-delay-ms=500]
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-48}; delay=${2:-500}
# measure as the pods run: 512 MiB limit × MaxRAMPercentage=75 → 384 MiB heap, one CPU → SerialGC, full JIT
export COMPANION_JVM_OPTS=${COMPANION_JVM_OPTS:--XX:+UseSerialGC -Xmx384m -XX:+ExitOnOutOfMemoryError}
./mvnw -q -o -pl system-tests verify -Dit.test=ImageWorkerScalingBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.jobs="$jobs" -Dbench.delay-ms="$delay" > /tmp/image-workers-bench.log 2>&1 \
  || { tail -50 /tmp/image-workers-bench.log; exit 1; }
cat system-tests/target/bench/image-workers.md

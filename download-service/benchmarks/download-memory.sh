#!/usr/bin/env bash
# Bundles a large set of images through the real service (PostgreSQL, Kafka, S3 from LocalInfraResource)
# and reports the zip size against the growth of the live heap (sampled after a forced GC every 500 ms).
# Usage: download-service/benchmarks/download-memory.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
rm -f download-service/target/download-memory.txt
./mvnw -q -pl download-service verify -Dtest=BundleMemoryTest
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(java -version 2>&1 | head -1)"
cat download-service/target/download-memory.txt

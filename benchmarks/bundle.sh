#!/usr/bin/env bash
# A bulk zip of N images: request -> download.ready through the gateway, side by side in one run with
# what it cannot beat: `zip -0` of the same files (read from local disk) plus one S3 round trip per
# image (a GET of one original from the same S3, timed N times). Rounds alternate the two.
# Needs zip, curl, jq. Usage: benchmarks/bundle.sh [images=48] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh
n=${1:-48}; rounds=${2:-3}
for tool in zip jq curl; do command -v $tool >/dev/null || { echo "$tool is required: apt-get install -y $tool"; exit 2; }; done
export RATE_LIMIT_IMAGES_GENERATE=100000000 RATE_LIMIT_DOWNLOADS=100000000 RATE_LIMIT_DEFAULT=100000000
export RATE_LIMIT_PROJECTS=100000000 IMAGE_MAX_CONCURRENT_PER_USER=100 DOWNLOAD_MAX_QUEUED_BUNDLES_PER_USER=100
# measure as the pods run: 512 MiB limit × MaxRAMPercentage=75 → 384 MiB heap, one CPU → SerialGC, full JIT
export COMPANION_JVM_OPTS=${COMPANION_JVM_OPTS:--XX:+UseSerialGC -Xmx384m -XX:+ExitOnOutOfMemoryError}
start_stack
trap stop_stack EXIT
token=$(login "bench-$RANDOM@example.com")
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
now_ms() { date +%s%3N; }

# N images from the offline renderer (1024×1024 PNGs), 4 per generation
gens=()
for i in $(seq 1 $(( (n + 3) / 4 ))); do
  gens+=("$(curl -sf "${auth[@]}" -d "{\"prompt\":\"bundle benchmark $i\",\"options\":{\"n\":4}}" "$GW/v1/images/generate" | jq -r .data.id)")
done
ids=()
for g in "${gens[@]}"; do
  for _ in $(seq 1 600); do
    st=$(curl -sf "${auth[@]}" "$GW/v1/images/generate/$g")
    [ "$(echo "$st" | jq -r .data.status)" = completed ] && break
    sleep 0.2
  done
  mapfile -t got < <(echo "$st" | jq -r '.data.images[].id')
  ids+=("${got[@]}")
done
ids=("${ids[@]:0:$n}")
[ "${#ids[@]}" -eq "$n" ] || { echo "only ${#ids[@]} images were generated"; exit 1; }
body=$(printf '%s\n' "${ids[@]}" | jq -R . | jq -sc '{imageIds: ., format: "png"}')

# the same files on local disk, for zip -0, and the URL of one original for the S3 round trip
files="$BENCH_DATA/files"; mkdir -p "$files"
for id in "${ids[@]}"; do
  url=$(curl -sf "${auth[@]}" "$GW/v1/images/$id" | jq -r .data.url)
  curl -sf -o "$files/$id.png" "$url"
done
one_url=$(curl -sf "${auth[@]}" "$GW/v1/images/${ids[0]}" | jq -r .data.url)
bytes=$(du -cb "$files"/*.png | tail -1 | cut -f1)

bundle_once() {
  local start id status
  start=$(now_ms)
  id=$(curl -sf "${auth[@]}" -d "$body" "$GW/v1/images/download/bulk" | jq -r .data.id)
  while :; do
    status=$(curl -sf "${auth[@]}" "$GW/v1/downloads/$id" | jq -r .data.status)
    [ "$status" = processing ] || break
    sleep 0.01
  done
  [ "$status" = ready ] || { echo "bundle $id ended $status" >&2; return 1; }
  echo $(( $(now_ms) - start ))
}
baseline_once() {
  local start zipms s3ms
  rm -f "$BENCH_DATA/b.zip"; start=$(now_ms)
  (cd "$files" && zip -q -0 "$BENCH_DATA/b.zip" ./*.png); zipms=$(( $(now_ms) - start ))
  start=$(now_ms)
  for _ in $(seq 1 "$n"); do curl -sf -o /dev/null "$one_url"; done
  s3ms=$(( $(now_ms) - start ))
  echo "$zipms $s3ms"
}
bundle_once > /dev/null; baseline_once > /dev/null   # warm-up
echo "Bundle of $n PNGs ($((bytes / 1024 / 1024)) MiB), $(date -u +%F), $(nproc) cores; JVM: $COMPANION_JVM_OPTS"
echo "| round | zip -0 (ms) | $n S3 GETs (ms) | baseline = sum (ms) | Companion request → ready (ms) | ratio |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  read -r zipms s3ms < <(baseline_once)
  ms=$(bundle_once)
  echo "| $r | $zipms | $s3ms | $((zipms + s3ms)) | $ms | $(awk -v a="$ms" -v b="$((zipms + s3ms))" 'BEGIN {printf "%.2f", a / b}') |"
done

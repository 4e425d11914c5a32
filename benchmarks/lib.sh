#!/usr/bin/env bash
# Shared by the benchmark scripts: start a private stack, log a user in like the extension, stop.
set -euo pipefail

BENCH_BASE_PORT=${BENCH_BASE_PORT:-28080}
GW="http://127.0.0.1:${BENCH_BASE_PORT}"

start_stack() {
  BENCH_DATA=$(mktemp -d /tmp/companion-bench.XXXX)
  ./companion run --data-dir "$BENCH_DATA/stack" --clean --base-port "$BENCH_BASE_PORT" \
    --pg-port 25432 --kafka-port 29092 --s3-port 29000 --redis-port 26379 > "$BENCH_DATA/stack.log" 2>&1 &
  BENCH_PID=$!
  for _ in $(seq 1 300); do
    grep -q "Companion is up" "$BENCH_DATA/stack.log" && return 0
    kill -0 "$BENCH_PID" 2>/dev/null || { cat "$BENCH_DATA/stack.log"; return 1; }
    sleep 0.5
  done
  echo "stack did not start"; return 1
}

stop_stack() {
  kill -TERM "$BENCH_PID" 2>/dev/null || true
  wait "$BENCH_PID" 2>/dev/null || true
  rm -rf "$BENCH_DATA"
}

# login EMAIL -> prints an access token (register + authorization code with PKCE, as the extension does)
login() {
  local email=$1 password="benchmark password 1" redirect="https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/"
  curl -sf -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Bench\"}" "$GW/v1/auth/register"
  local verifier challenge code
  verifier=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  challenge=$(printf '%s' "$verifier" | openssl dgst -binary -sha256 | base64 | tr '+/' '-_' | tr -d '=\n')
  code=$(curl -s -o /dev/null -w '%{redirect_url}' \
    --data-urlencode response_type=code --data-urlencode client_id=companion-extension \
    --data-urlencode "redirect_uri=$redirect" --data-urlencode "scope=projects chats images" \
    --data-urlencode state=bench --data-urlencode "code_challenge=$challenge" \
    --data-urlencode code_challenge_method=S256 --data-urlencode "email=$email" \
    --data-urlencode "password=$password" --data-urlencode decision=approve \
    "$GW/v1/auth/authorize" | sed -E 's/.*[?&]code=([^&]+).*/\1/')
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"grant_type\":\"authorization_code\",\"code\":\"$code\",\"client_id\":\"companion-extension\",\"redirect_uri\":\"$redirect\",\"code_verifier\":\"$verifier\"}" \
    "$GW/v1/auth/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

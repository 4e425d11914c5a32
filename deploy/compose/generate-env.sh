#!/usr/bin/env bash
# Writes a .env for docker compose from .env.example with every change-me placeholder replaced by
# a fresh random value (48 hex characters each, its own per variable), so `docker compose up`
# passes secrets-check (deploy/compose/secrets/check-secrets.sh). Never overwrites an existing file.
#   deploy/compose/generate-env.sh [TARGET]     (default: .env in the repository root)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${1:-$root/.env}"
if [ -e "$target" ]; then
  echo "$target exists; not overwriting it (remove it first to start over)" >&2
  exit 1
fi
random() {
  if command -v openssl > /dev/null 2>&1; then openssl rand -hex 24; else od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; fi
}
umask 077
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    [A-Z]*=change-me*) printf '%s=%s\n' "${line%%=*}" "$(random)" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$root/.env.example" > "$target"
echo "wrote $target (mode 600); keep it out of git" >&2

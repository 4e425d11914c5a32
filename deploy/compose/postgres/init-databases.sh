#!/usr/bin/env bash
# Runs once, on the first start of the PostgreSQL container (docker-entrypoint-initdb.d):
# one database per service, all owned by the application role from .env (POSTGRES_USER).
# Keep this list in step with the services' DB_NAME in docker-compose.yml (checked by deploy-tests).
set -euo pipefail

for db in companion_auth companion_project companion_chat companion_image companion_download; do
  echo "creating database ${db}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE DATABASE ${db} OWNER \"${POSTGRES_USER}\"" \
    -c "REVOKE ALL ON DATABASE ${db} FROM PUBLIC"
done

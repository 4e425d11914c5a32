#!/usr/bin/env bash
# Runs on the first start of the PostgreSQL container (docker-entrypoint-initdb.d) as the superuser
# (POSTGRES_USER), which only this script and an administrator use: one login role per service
# (companion_auth, …; password <SERVICE>_DB_PASSWORD from .env) that owns its own database and
# nothing else: no superuser, no CREATEDB/CREATEROLE, and CONNECT to every database revoked from
# PUBLIC, so a service cannot even connect to another service's database. Idempotent (safe to run
# again on an existing volume, e.g. `docker compose exec postgres bash /docker-entrypoint-initdb.d/10-init-databases.sh`,
# which also resets the passwords from .env). Keep the list in step with the services' DB_NAME/DB_USER
# in docker-compose.yml (checked by deploy-tests, which also runs this script against a real PostgreSQL).
set -euo pipefail

service_database() {
  local db="$1" password="$2"
  echo "database ${db}: role ${db}, owner of ${db} only"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v db="$db" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'db') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'db') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', :'db', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'db') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SQL
}

service_database companion_auth "${AUTH_DB_PASSWORD:?}"
service_database companion_project "${PROJECT_DB_PASSWORD:?}"
service_database companion_chat "${CHAT_DB_PASSWORD:?}"
service_database companion_image "${IMAGE_DB_PASSWORD:?}"
service_database companion_download "${DOWNLOAD_DB_PASSWORD:?}"
# the maintenance databases are the superuser's
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c "REVOKE ALL ON DATABASE postgres FROM PUBLIC"

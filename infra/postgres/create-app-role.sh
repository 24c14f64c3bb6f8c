#!/usr/bin/env bash
# Run by the postgres image once, when it initialises an empty volume (/docker-entrypoint-initdb.d):
# creates the role Rollcall's long-running processes log in as. What that role may do is granted
# by the migrations, which the `migrate` service runs as the owner, POSTGRES_USER (see
# src/postgres/app-role.ts): everything its work needs, and no UPDATE, DELETE or TRUNCATE of
# rollcall.events. A volume initialised before this script existed needs the role made once by
# hand, the same way: docker compose exec postgres psql -U rollcall -c "CREATE ROLE rollcall_app LOGIN PASSWORD '…'"
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v app_password="$ROLLCALL_APP_PASSWORD" <<'SQL'
CREATE ROLE rollcall_app LOGIN PASSWORD :'app_password';
SQL

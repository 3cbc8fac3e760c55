#!/usr/bin/env bash
# A tested restore (docs/deployment.md): dump a database in the custom format, restore it into a scratch
# database, and compare the exact row count of every table. Exits non-zero on any difference.
#
#   bench/backup_restore_check.sh [SOURCE_URL]      (default: the bench database, cnap_loadbench)
#
# PostgreSQL client tools (pg_dump, pg_restore, psql) of the server's major version are needed.
set -euo pipefail

SOURCE_URL="${1:-${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cnap_loadbench}}"
BASE="${SOURCE_URL%/*}"
SCRATCH="cnap_restore_check_$$"
SCRATCH_URL="$BASE/$SCRATCH"
DUMP="$(mktemp -d)/cnap.dump"
JOBS="${JOBS:-2}"

cleanup() {
    psql "$BASE/postgres" -qAtc "DROP DATABASE IF EXISTS \"$SCRATCH\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$(dirname "$DUMP")"
}
trap cleanup EXIT INT TERM

count_rows() {  # exact counts of every table of the public schema, "table count" per line, sorted
    psql "$1" -qAt -F ' ' -c "
        SELECT format('SELECT %L, count(*) FROM %I.%I;', tablename, schemaname, tablename)
        FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename" |
        psql "$1" -qAt -F ' ' -v ON_ERROR_STOP=1 | sort
}

start=$(date +%s)
pg_dump --format=custom --compress=6 --file="$DUMP" "$SOURCE_URL"
dumped=$(date +%s)
psql "$BASE/postgres" -qAtc "CREATE DATABASE \"$SCRATCH\""
pg_restore --jobs="$JOBS" --no-owner --exit-on-error --dbname="$SCRATCH_URL" "$DUMP"
restored=$(date +%s)

before=$(count_rows "$SOURCE_URL")
after=$(count_rows "$SCRATCH_URL")
tables=$(echo "$before" | wc -l)
rows=$(echo "$before" | awk '{s += $2} END {print s}')
size=$(du -h "$DUMP" | cut -f1)
db_size=$(psql "$SOURCE_URL" -qAtc "SELECT pg_size_pretty(pg_database_size(current_database()))")
migrations_src=$(psql "$SOURCE_URL" -qAtc "SELECT count(*) FROM django_migrations")
migrations_dst=$(psql "$SCRATCH_URL" -qAtc "SELECT count(*) FROM django_migrations")

echo "source: ${SOURCE_URL##*/} ($db_size), dump: $size custom format in $((dumped - start)) s, restore ($JOBS jobs) in $((restored - dumped)) s"
if [ "$before" == "$after" ] && [ "$migrations_src" == "$migrations_dst" ]; then
    echo "OK: $tables tables, $rows rows, identical row counts after the restore; $migrations_dst migrations recorded"
else
    echo "MISMATCH between the source and the restored copy:"
    diff <(echo "$before") <(echo "$after") || true
    exit 1
fi

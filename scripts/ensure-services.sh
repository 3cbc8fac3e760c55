#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) are up for the tests:
# installs them with apt if missing, starts them if down.
set -euo pipefail

need_apt=()
command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q; }
if ! pg_ready; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
fi
pg_ready || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
# Trust auth for local TCP connections is how the project's machines come; check we can log in.
psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null || {
  echo "cannot connect to PostgreSQL as postgres on 127.0.0.1 (trust auth expected)" >&2; exit 1; }

redis_ready() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! redis_ready; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_ready && break; sleep 0.5; done
fi
redis_ready || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
# Celery's queues must never be evicted (docs/deployment.md).
redis-cli -h 127.0.0.1 -p 6379 config set maxmemory-policy noeviction >/dev/null
echo "PostgreSQL and Redis are up"

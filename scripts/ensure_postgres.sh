#!/usr/bin/env bash
# Make sure the local PostgreSQL server answers on 127.0.0.1:5432; start the cluster if it has stopped.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
echo "PostgreSQL is not answering on 127.0.0.1:5432; starting the local cluster"
version=$(ls /etc/postgresql | sort -V | tail -n 1)
pg_ctlcluster --skip-systemctl-redirect "$version" main start
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
  sleep 1
done
echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
exit 1

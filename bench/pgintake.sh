#!/bin/sh
# pgintake.sh — PostgreSQL intake at 8 clients, one fresh demo database per run.
#
#   bench/pgintake.sh PALIER LOADGEN ADMIN_URL [RUNS]
#
# PALIER and LOADGEN are binaries built from this tree (go build ./cmd/palier,
# ./bench/loadgen); ADMIN_URL is a superuser URL of a local cluster
# (postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable) whose
# postmaster runs on this machine: its process tree's CPU is measured.
# Each run creates a database, serves the demo in it, warms up for 10 s
# (unmeasured), measures 10 s with the CPU per ticket of Palier and of the
# whole cluster (its postmaster's process tree), and drops the database.
#
# ANALYZE=1 analyses the database after the warm-up. Before the store did
# it itself (internal/store/fresh_pg.go), a new database's first minute was
# measured with the plans PostgreSQL made over its nearly empty tables
# (whole-table scans of tickets and customers) whenever autovacuum's first
# visit came before the load: up to twice the cluster's CPU per ticket
# (bench/README.md, thirteenth session). Use it to measure older binaries
# as they run once autovacuum has caught up.
set -eu
PALIER=$1 LOADGEN=$2 ADMIN=$3 RUNS=${4:-5}
ADDR=127.0.0.1:${PALIER_BENCH_PORT:-18111}
PM=$(psql -X -At "$ADMIN" -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")
PM=$(awk '{print $4}' "/proc/$PM/stat") # the checkpointer's parent: the postmaster
i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	DB=palier_intake_$$_$i
	BASE=${ADMIN%%\?*}               # the URL without its query
	URL="${BASE%/*}/$DB${ADMIN#"$BASE"}" # its database replaced
	psql -X -q "$ADMIN" -c "CREATE DATABASE $DB"
	"$PALIER" serve --demo --database-url "$URL" --addr "$ADDR" >/dev/null 2>&1 &
	SP=$!
	n=0
	until curl -sf "http://$ADDR/readyz" >/dev/null; do
		n=$((n + 1)); [ "$n" -lt 100 ] || { echo "palier did not start" >&2; kill "$SP"; exit 1; }
		sleep 0.3
	done
	TOKEN=$("$PALIER" token create --database-url "$URL" --email marc@nuagique.example 2>/dev/null | tail -1)
	"$LOADGEN" --url "http://$ADDR" --token "$TOKEN" --ops intake --clients 8 --duration 10s >/dev/null
	[ -z "${ANALYZE:-}" ] || psql -X -q "$URL" -c ANALYZE
	echo "== run $i, load $(cut -d' ' -f1-3 /proc/loadavg)"
	"$LOADGEN" --url "http://$ADDR" --token "$TOKEN" --ops intake --clients 8 --duration 10s --cpu-pids "$SP,$PM"
	kill "$SP"; wait "$SP" 2>/dev/null || true
	psql -X -q "$ADMIN" -c "DROP DATABASE $DB"
done

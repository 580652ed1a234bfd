#!/usr/bin/env bash
# Load test of the web service on SQLite and on PostgreSQL (issue 4).
#
# Builds the release binary, then for each database starts `tianping demo` on 127.0.0.1,
# obtains an API token for a demo account (POST /api/v1/tokens), finds a draft assessment the
# account may edit, and runs wrk (2 threads, 32 connections, 10 s each, --latency) against
#   (a) GET /api/v1/assessments/{id}/result
#   (b) PUT /api/v1/assessments/{id}/answers/{indicator}   (each save stores a version,
#       re-scores the assessment and writes an audit entry)
# and prints requests/s and p99 latency per database in a table. Traffic goes to 127.0.0.1
# only; every run is bounded in time; the servers are stopped and the PostgreSQL database
# created for the run is dropped at the end, whatever happens.
#
# Environment (all optional):
#   PG_URL       PostgreSQL server to use (default postgres://postgres@127.0.0.1:5432/test);
#                a fresh database tianping_load_<pid> is created there and dropped afterwards;
#                PG_URL=skip runs SQLite only
#   ACCOUNT      demo login to use (default yunfan@ent.demo, an enterprise with a draft
#                T/CIC self-assessment); the password is the demo's
#   DURATION     seconds per wrk run (default 10); THREADS (2); CONNECTIONS (32)
#   PORT         first port to try (default 18480)
#   CARGO_TARGET_DIR is honoured for the build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
ACCOUNT=${ACCOUNT:-yunfan@ent.demo}
PASSWORD=tianping-demo
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18480}

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'load.sh: %s\n' "$*" >&2; exit 1; }

need_pkg() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "$1 is missing: sudo apt-get install -y $2"
  say "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  }
  command -v "$1" >/dev/null 2>&1 || die "could not install $2"
}
need_pkg wrk wrk
need_pkg jq jq
need_pkg curl curl
if [ "$PG_URL" != skip ]; then need_pkg psql postgresql-client; fi

say "building the release binary"
cargo build --release -q -p tianping
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET" in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
BIN=$TARGET/release/tianping
[ -x "$BIN" ] || die "no binary at $BIN"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tianping-load.XXXXXX")
SERVER_PID=""
PG_DB=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -INT "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  if [ -n "$PG_DB" ]; then
    psql -q -X "$PG_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 ||
      printf 'load.sh: could not drop database %s\n' "$PG_DB" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_server DATABASE → sets SERVER_PID and BASE
start_server() {
  local db=$1 p=$PORT
  while ! port_free "$p"; do p=$((p + 1)); [ "$p" -lt $((PORT + 100)) ] || die "no free port"; done
  BASE=http://127.0.0.1:$p
  "$BIN" demo --bind "127.0.0.1:$p" --database "$db" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if curl -fs -o /dev/null "$BASE/login"; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server stopped"; }
    sleep 0.1
  done
  cat "$WORK/server.log" >&2
  die "the server did not answer within 30 s"
}

# prepare → sets TOKEN, AID, IND, VALUE
prepare() {
  TOKEN=$(curl -fsS -X POST -H 'content-type: application/json' \
    -d "$(jq -n --arg e "$ACCOUNT" --arg p "$PASSWORD" '{email:$e,password:$p,name:"load test"}')" \
    "$BASE/api/v1/tokens" | jq -r .token)
  [ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "no token for $ACCOUNT"
  local auth=(-H "Authorization: Bearer $TOKEN") id
  AID=""
  for id in $(curl -fsS "${auth[@]}" "$BASE/api/v1/assessments?per_page=100" |
    jq -r '.items[] | select(.status == "draft") | .id'); do
    if [ "$(curl -fsS "${auth[@]}" "$BASE/api/v1/assessments/$id" | jq -r .access)" = edit ]; then
      AID=$id
      break
    fi
  done
  [ -n "$AID" ] || die "$ACCOUNT may edit no draft assessment"
  # the first item answered with a plain number: points (not expert panel or questionnaire),
  # a level or a coefficient; answer it with half its maximum
  read -r IND VALUE < <(curl -fsS "${auth[@]}" "$BASE/api/v1/assessments/$AID/template" |
    jq -r '[.indicators[] | select((.expert_panel // false | not) and (.likert // false | not))][0]
           | "\(.id) \(if .kind == "level" then 3 else ((.max // 100) / 2) end)"') || true
  [ -n "${IND:-}" ] || die "no plain item in assessment $AID"
  curl -fsS -o /dev/null "${auth[@]}" "$BASE/api/v1/assessments/$AID/result" ||
    die "GET result failed"
  curl -fsS -o /dev/null -X PUT "${auth[@]}" -H 'content-type: application/json' \
    -d "{\"value\": $VALUE, \"note\": \"load\"}" "$BASE/api/v1/assessments/$AID/answers/$IND" ||
    die "PUT answer failed"
}

# run_wrk NAME ARGS… → prints "req/s p99 requests errors"
run_wrk() {
  local name=$1 out=$WORK/$1.txt
  shift
  timeout $((DURATION + 30)) wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" \
    --timeout 10s "$@" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($name)"; }
  local rps p99 total non2xx sock
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  total=$(awk '/requests in/ {print $1}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  sock=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
  echo "${rps:-?} ${p99:-?} ${total:-?} $(( ${non2xx:-0} + ${sock:-0} ))"
}

RESULTS=()
measure() { # label database
  local label=$1 db=$2
  say "$label: starting tianping demo"
  start_server "$db"
  prepare
  say "$label: $ACCOUNT, assessment $AID, item $IND = $VALUE; wrk ${THREADS} threads, ${CONNECTIONS} connections, ${DURATION} s each"
  local get put
  get=$(run_wrk "$label-get" -H "Authorization: Bearer $TOKEN" \
    "$BASE/api/v1/assessments/$AID/result")
  cat >"$WORK/put.lua" <<EOF
wrk.method = "PUT"
wrk.body = '{"value": $VALUE, "note": "load"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
EOF
  put=$(run_wrk "$label-put" -s "$WORK/put.lua" "$BASE/api/v1/assessments/$AID/answers/$IND")
  RESULTS+=("$label GET /assessments/$AID/result $get")
  RESULTS+=("$label PUT /assessments/$AID/answers/$IND $put")
  stop_server
}

measure sqlite "$WORK/load.db"
if [ "$PG_URL" != skip ]; then
  psql -q -X "$PG_URL" -c "CREATE DATABASE tianping_load_$$" >/dev/null ||
    die "cannot create database tianping_load_$$ on $PG_URL (PG_URL=skip for SQLite only)"
  PG_DB=tianping_load_$$
  measure postgres "${PG_URL%/*}/$PG_DB"
fi

echo
printf '%-9s %-6s %-38s %10s %10s %9s %7s\n' database method path req/s p99 requests errors
for r in "${RESULTS[@]}"; do
  # shellcheck disable=SC2086
  printf '%-9s %-6s %-38s %10s %10s %9s %7s\n' $r
done
echo "(${THREADS} threads, ${CONNECTIONS} connections, ${DURATION} s per row; errors = non-2xx responses + socket errors)"

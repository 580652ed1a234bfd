#!/usr/bin/env bash
# Load and timing figures of the web service on SQLite and on PostgreSQL (issues 4 and 14).
#
# Builds the release binary (under `nice`), writes generated T11/AII schemes of about 1,200
# and 5,900 odm-oem items (scripts/gen-scheme.py), then for each database:
#   1. starts `tianping demo` on 127.0.0.1 and reads its resident memory idle (VmRSS);
#   2. as the demo's auditor (API token), creates a T11/AII odm-oem assessment of the
#      enterprise 星河 and answers all its 331 items (batch API);
#   3. runs wrk (2 threads, --latency) at 8 and at 32 connections against
#        GET /login                                  the floor: the same server's cheapest page
#        GET /api/v1/assessments/{id}/result         the stored result (112 KB)
#        PUT /api/v1/assessments/{id}/answers/{ind}  a durable save: a version, the result
#                                                    re-scored and stored, an audit entry
#      (the PUT alternates two values so every save changes the answer) and prints requests/s,
#      p50, p99 and the ratio result/floor; then the peak memory (VmHWM);
#   4. times SAVES saves one at a time (curl, median and p90 of time_total) and the server's
#      CPU per save (from /proc/PID/stat), at 331 items and, on a server started with
#      --schemes-dir, at the generated ~1,200 and ~5,900 items; at 5,900 also the assessment
#      page and GET result one request at a time (median of 10).
# Traffic goes to 127.0.0.1 only; every run is bounded in time; the servers are stopped and
# the PostgreSQL database created for a run is dropped at the end, whatever happens.
#
# Environment (all optional):
#   PG_URL       PostgreSQL server to use (default postgres://postgres@127.0.0.1:5432/test);
#                a fresh database tianping_load_<pid>_<n> is created there for each server and
#                dropped afterwards; PG_URL=skip runs SQLite only
#   DURATION     seconds per wrk run (default 10); THREADS (2); CONNECTION_LEVELS ("8 32")
#   SAVES        saves timed one at a time per scheme size (default 30)
#   SIZES        generated scheme sizes to time saves at (default "1209 5880")
#   PORT         first port to try (default 18480)
#   BIN          a built binary to use instead of building one
#   CARGO_TARGET_DIR is honoured for the build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
ACCOUNT=auditor@body.demo
PASSWORD=tianping-demo
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTION_LEVELS=${CONNECTION_LEVELS:-8 32}
SAVES=${SAVES:-30}
SIZES=${SIZES:-1209 5880}
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
need_pkg python3 python3
if [ "$PG_URL" != skip ]; then need_pkg psql postgresql-client; fi

if [ -z "${BIN:-}" ]; then
  say "building the release binary"
  nice -n 19 cargo build --release -q -p tianping
  TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
  case "$TARGET" in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
  BIN=$TARGET/release/tianping
fi
[ -x "$BIN" ] || die "no binary at $BIN"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tianping-load.XXXXXX")
SERVER_PID=""
PG_DBS=()
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
  local d
  for d in "${PG_DBS[@]}"; do
    psql -q -X "$PG_URL" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 ||
      printf 'load.sh: could not drop database %s\n' "$d" >&2
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# mem FIELD → the server's FIELD (VmRSS, VmHWM) in MiB
mem() { awk -v f="$1:" '$1 == f {printf "%.1f", $2 / 1024}' "/proc/$SERVER_PID/status"; }
# cpu_ticks → user + system clock ticks of the server so far
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

# new_database LABEL → sets DB to a fresh database for one server
N_DB=0
new_database() {
  N_DB=$((N_DB + 1))
  if [ "$1" = sqlite ]; then
    DB=$WORK/load-$N_DB.db
  else
    local d=tianping_load_$$_$N_DB
    psql -q -X "$PG_URL" -c "CREATE DATABASE $d" >/dev/null ||
      die "cannot create database $d on $PG_URL (PG_URL=skip for SQLite only)"
    PG_DBS+=("$d")
    DB=${PG_URL%/*}/$d
  fi
}

# start_server DATABASE [SCHEMES_DIR] → sets SERVER_PID and BASE
start_server() {
  local db=$1 dir=${2:-} p=$PORT
  while ! port_free "$p"; do p=$((p + 1)); [ "$p" -lt $((PORT + 100)) ] || die "no free port"; done
  BASE=http://127.0.0.1:$p
  local extra=()
  [ -z "$dir" ] || extra=(--schemes-dir "$dir")
  "$BIN" "${extra[@]}" demo --bind "127.0.0.1:$p" --database "$db" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 1800); do
    if curl -fs -o /dev/null "$BASE/login"; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server stopped"; }
    sleep 0.1
  done
  cat "$WORK/server.log" >&2
  die "the server did not answer within 180 s"
}

api() { curl -fsS -H "Authorization: Bearer $TOKEN" "$@"; }

# prepare → sets TOKEN, AID (a new T11/AII odm-oem assessment, every item answered), IND,
# ITEMS
prepare() {
  TOKEN=$(curl -fsS -X POST -H 'content-type: application/json' \
    -d "$(jq -n --arg e "$ACCOUNT" --arg p "$PASSWORD" '{email:$e,password:$p,name:"load test"}')" \
    "$BASE/api/v1/tokens" | jq -r .token)
  [ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "no token for $ACCOUNT"
  local ent f
  ent=$(api "$BASE/api/v1/enterprises?per_page=100" |
    jq -r '[.items[] | select(.name | test("星河"))][0].id // .items[0].id')
  [ -n "$ent" ] && [ "$ent" != null ] || die "$ACCOUNT sees no enterprise"
  AID=$(api -X POST -H 'content-type: application/json' \
    -d "{\"enterprise_id\": \"$ent\", \"scheme\": \"t11-aii-001-2020\", \"variant\": \"odm-oem\", \"title\": \"负载测试\"}" \
    "$BASE/api/v1/assessments" | jq -r .id)
  [ -n "$AID" ] && [ "$AID" != null ] || die "could not create an assessment"
  api "$BASE/api/v1/assessments/$AID/template" | jq -r '.indicators[].id' >"$WORK/items.txt"
  ITEMS=$(wc -l <"$WORK/items.txt")
  IND=$(head -n 1 "$WORK/items.txt")
  # every item answered, in batches of at most 5,000 rows
  rm -f "$WORK"/items.part.*
  split -l 4000 "$WORK/items.txt" "$WORK/items.part."
  for f in "$WORK"/items.part.*; do
    jq -R -s 'split("\n") | map(select(. != "")) | {answers: map({indicator: ., value: 70})}' "$f" |
      api -o "$WORK/batch.json" -X POST -H 'content-type: application/json' --data-binary @- \
        "$BASE/api/v1/assessments/$AID/answers/batch" ||
      die "batch answers failed: $(head -c 400 "$WORK/batch.json" 2>/dev/null)"
    [ "$(jq '[.. | objects | select(.status? == "error")] | length' "$WORK/batch.json")" = 0 ] ||
      die "batch answers refused: $(head -c 400 "$WORK/batch.json")"
  done
  api -o /dev/null "$BASE/api/v1/assessments/$AID/result" || die "GET result failed"
}

# run_wrk NAME CONNECTIONS ARGS… → prints "req/s p50 p99 requests errors"
run_wrk() {
  local name=$1 c=$2 out=$WORK/$1.txt
  shift 2
  timeout $((DURATION + 30)) wrk --latency -t"$THREADS" -c"$c" -d"${DURATION}s" \
    --timeout 10s "$@" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($name)"; }
  local rps p50 p99 total non2xx sock
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  total=$(awk '/requests in/ {print $1}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  sock=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
  echo "${rps:-?} ${p50:-?} ${p99:-?} ${total:-?} $((${non2xx:-0} + ${sock:-0}))"
}

# median_p90 < seconds, one a line → "median p90" in ms
median_p90() {
  sort -g | awk '{v[NR] = $1 * 1000} END {
    if (NR == 0) { print "? ?"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    i = int(NR * 0.9 + 0.999); if (i < 1) i = 1; if (i > NR) i = NR
    printf "%.2f %.2f\n", m, v[i] }'
}

# time_saves → "median p90 cpu_ms_per_save" of SAVES saves one at a time
time_saves() {
  local hz t0 t1 k v
  hz=$(getconf CLK_TCK)
  t0=$(cpu_ticks)
  for k in $(seq 1 "$SAVES"); do
    v=$((60 + (k % 2) * 20))
    api -o /dev/null -w '%{time_total}\n' -X PUT -H 'content-type: application/json' \
      -d "{\"value\": $v, \"note\": \"timing\"}" "$BASE/api/v1/assessments/$AID/answers/$IND"
  done >"$WORK/saves.txt"
  t1=$(cpu_ticks)
  echo "$(median_p90 <"$WORK/saves.txt") $(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v n="$SAVES" \
    'BEGIN {printf "%.2f", (b - a) * 1000 / hz / n}')"
}

# time_get URL [curl args…] → "median p90" of 10 requests one at a time (after one warm-up)
time_get() {
  local url=$1 k
  shift
  curl -fsS -o /dev/null "$@" "$url"
  for k in $(seq 1 10); do curl -fsS -o /dev/null -w '%{time_total}\n' "$@" "$url"; done |
    median_p90
}

# sign_in → a cookie jar in $WORK/jar signed in as ACCOUNT
sign_in() {
  rm -f "$WORK/jar"
  curl -fsS -o /dev/null -c "$WORK/jar" "$BASE/login"
  local csrf
  csrf=$(awk '$6 == "tp_csrf" {print $7}' "$WORK/jar")
  curl -sS -o /dev/null -b "$WORK/jar" -c "$WORK/jar" \
    --data-urlencode "csrf=$csrf" --data-urlencode "email=$ACCOUNT" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "next=/" "$BASE/login"
}

LOAD=()
TIMES=()
MEMORY=()
measure() { # label
  local label=$1 c n idle peak floor get put ratio
  say "$label: starting tianping demo"
  new_database "$label"
  start_server "$DB"
  sleep 1
  idle=$(mem VmRSS)
  prepare
  say "$label: assessment $AID ($ITEMS items), item $IND; wrk ${THREADS} threads, ${DURATION} s per run"
  cat >"$WORK/put.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local body = '{"value": ' .. (60 + (n % 2) * 20) .. ', "note": "load"}'
  return wrk.format("PUT", nil, {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer $TOKEN"}, body)
end
LUA
  for c in $CONNECTION_LEVELS; do
    floor=$(run_wrk "$label-login-$c" "$c" "$BASE/login")
    get=$(run_wrk "$label-get-$c" "$c" -H "Authorization: Bearer $TOKEN" \
      "$BASE/api/v1/assessments/$AID/result")
    put=$(run_wrk "$label-put-$c" "$c" -s "$WORK/put.lua" \
      "$BASE/api/v1/assessments/$AID/answers/$IND")
    ratio=$(awk -v f="${floor%% *}" -v g="${get%% *}" 'BEGIN {if (g > 0) printf "%.1f", f / g; else print "?"}')
    LOAD+=("$label $c GET /login $floor -")
    LOAD+=("$label $c GET result($ITEMS) $get $ratio")
    LOAD+=("$label $c PUT answer($ITEMS) $put -")
  done
  peak=$(mem VmHWM)
  MEMORY+=("$label $idle $peak")
  TIMES+=("$label save $ITEMS $(time_saves)")
  stop_server
  for n in $SIZES; do
    say "$label: about $n items (generated scheme)"
    python3 scripts/gen-scheme.py "$WORK/schemes-$n" "$n" 2>/dev/null
    new_database "$label"
    start_server "$DB" "$WORK/schemes-$n"
    prepare
    TIMES+=("$label save $ITEMS $(time_saves)")
    TIMES+=("$label GET-result $ITEMS $(time_get "$BASE/api/v1/assessments/$AID/result" \
      -H "Authorization: Bearer $TOKEN") -")
    sign_in
    TIMES+=("$label page $ITEMS $(time_get "$BASE/assessments/$AID" -b "$WORK/jar") -")
    TIMES+=("$label result-page $ITEMS $(time_get "$BASE/assessments/$AID/result" -b "$WORK/jar") -")
    MEMORY+=("$label($ITEMS) - $(mem VmHWM)")
    stop_server
  done
}

measure sqlite
if [ "$PG_URL" != skip ]; then measure postgres; fi

echo
echo "Under load (wrk, ${THREADS} threads, ${DURATION} s per row; latencies as wrk prints them;"
echo "errors = non-2xx responses + socket errors; floor/x = how many times slower than GET /login)"
printf '%-9s %5s %-6s %-18s %10s %9s %9s %9s %7s %8s\n' database conns method path req/s p50 p99 requests errors floor/x
for r in "${LOAD[@]}"; do
  # shellcheck disable=SC2086
  printf '%-9s %5s %-6s %-18s %10s %9s %9s %9s %7s %8s\n' $r
done
echo
echo "One request at a time (curl time_total in ms; saves: $SAVES alternating values; cpu/save ="
echo "the server's user+system CPU per save in ms)"
printf '%-9s %-12s %6s %9s %9s %9s\n' database what items median p90 cpu/save
for r in "${TIMES[@]}"; do
  # shellcheck disable=SC2086
  printf '%-9s %-12s %6s %9s %9s %9s\n' $r
done
echo
echo "Server memory in MiB (idle: VmRSS after start; peak: VmHWM after the runs)"
printf '%-16s %8s %8s\n' server idle peak
for r in "${MEMORY[@]}"; do
  # shellcheck disable=SC2086
  printf '%-16s %8s %8s\n' $r
done

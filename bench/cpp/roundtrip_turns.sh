#!/usr/bin/env bash
# Round trip through several routers in turns, so that every router sees the same machine: a 100 B
# message, one in flight, 10,000 timed after 1,000 of warm-up, per turn and router. Routers: Hydra
# on libzmq from this tree, the C++ anchor, and, when given, Hydra from another build's bench.
#   bench/cpp/roundtrip_turns.sh [TURNS] [OTHER_BUILD/Hydra.Bench.dll]
# Prints one JSON line per turn and router, then the medians of p50 and p99 and each router's
# against the anchor's. Build first: dotnet build -c Release bench/Hydra.Bench
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/bin"
"$here/build.sh" "$bin" >/dev/null
turns="${1:-9}"
other="${2:-}"
bench="$here/../Hydra.Bench/bin/Release/net10.0/Hydra.Bench.dll"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

declare -A ports
start() { # name, then the command; it prints READY <port> … or READY <endpoint>
  local name=$1; shift
  mkfifo "$work/in-$name"
  "$@" < "$work/in-$name" > "$work/out-$name" 2>/dev/null &
  pids+=($!)
  exec {keep}>"$work/in-$name" # open until the script ends: closing it stops a Hydra router
  for _ in $(seq 100); do
    if read -r ready where _ < "$work/out-$name" 2>/dev/null && [[ "$ready" == READY ]]; then
      ports[$name]="${where##*:}"
      return
    fi
    sleep 0.1 # the router is starting; polled with a deadline of 10 s
  done
  echo "roundtrip_turns.sh: $name did not start" >&2
  exit 1
}
start hydra dotnet "$bench" serve hydra --transport auto --hwm 10000
start anchor "$bin/anchor_router" 'tcp://127.0.0.1:*'
names=(hydra anchor)
if [[ -n "$other" ]]; then
  start other dotnet "$other" serve hydra --transport auto --hwm 10000
  names+=(other)
fi

echo "# $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for turn in $(seq "$turns"); do
  for name in "${names[@]}"; do
    echo "$name $("$bin/loadgen" --mode roundtrip --router "tcp://127.0.0.1:${ports[$name]}" --size 100 \
      --count 10000 --warmup 1000 --runs 1 --names "rt$turn$name")"
  done
done | tee "$work/turns"
echo "# $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$work/turns" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, _, text = line.partition(" ")
    runs.setdefault(name, []).append(json.loads(text))
def median(name, key): return statistics.median(run[key] for run in runs[name])
for name in runs:
    p50, p99 = median(name, "p50_us"), median(name, "p99_us")
    print(f"{name}: p50 {p50:.1f} µs ({p50 / median('anchor', 'p50_us'):.2f}x the anchor's), "
          f"p99 {p99:.1f} µs ({p99 / median('anchor', 'p99_us'):.2f}x), {len(runs[name])} turns")
PY

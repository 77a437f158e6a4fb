#!/usr/bin/env bash
# Measures a router with the C++ load generator, the scenarios of the issue: 1 and 4 pairs x 100 B and
# 1 pair x 1,000 B (each the median of 3 runs), then a 100 B round trip. One JSON line per scenario.
#   bench/cpp/run.sh                        build, start anchor_router on a free port, measure it
#   bench/cpp/run.sh tcp://127.0.0.1:5757   measure a router already running there (e.g. hydra router)
# RUN_SECONDS (default 3) sets the length of each throughput run. Check `uptime` first: on a
# shared machine the figures swing with its load.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/bin"
"$here/build.sh" "$bin" >/dev/null

router="${1:-}"
anchor_pid=""
if [[ -z "$router" ]]; then
  exec 3< <("$bin/anchor_router" 'tcp://127.0.0.1:*')
  anchor_pid=$!
  trap 'kill "$anchor_pid" 2>/dev/null || true' EXIT
  read -r ready router <&3
  [[ "$ready" == READY ]] || { echo "run.sh: anchor_router did not start" >&2; exit 1; }
fi

echo "# $(date -u +%FT%TZ) router $router; load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for scenario in "--pairs 1 --size 100" "--pairs 4 --size 100" "--pairs 1 --size 1000"; do
  # shellcheck disable=SC2086 # the scenario is meant to split into arguments
  "$bin/loadgen" --router "$router" --seconds "${RUN_SECONDS:-3}" --runs 3 $scenario
done
"$bin/loadgen" --mode roundtrip --router "$router" --size 100 --count 10000 --warmup 1000 --runs 3

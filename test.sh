#!/usr/bin/env bash
# Every test the project has, as CI runs them:
#   1. xunit: unit, integration (real sockets), CLI, Python interop, reliability, security, TUI views;
#   2. the terminal apps end to end in a real terminal (tmux);
#   3. the benchmark smoke: the load suite in short, failing on any lost or altered message.
# Needs the .NET 10 SDK, python3-zmq, tmux, nats-server and libzmq5 (apt-get install -y python3-zmq tmux nats-server libzmq5).
# Prints one closing line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed_steps=0

dotnet test HydraRouter.slnx 2>&1 | tee "$log" || failed_steps=$((failed_steps + 1))
read -r passed failed < <(awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ { f += $2; p += $4 } END { print p + 0, f + 0 }' "$log")

echo "== terminal apps end to end (tmux)"
if bash tests/e2e/tui_e2e.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "== benchmark smoke (integrity, not speed)"
if dotnet run -c Release --project bench/Hydra.Bench -- --smoke; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# A build or runner failure counts even when no test could report it.
if ((failed_steps > 0 && failed == 0)); then failed=1; fi
echo "$passed passed, $failed failed"
((failed == 0))

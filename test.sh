#!/usr/bin/env bash
# Every test the project has, as CI runs them:
#   1. xunit: unit, integration (real sockets), CLI, Python interop, reliability, security, TUI views;
#   2. the terminal apps end to end in a real terminal (tmux);
#   3. the packages: `dotnet pack`, then the README's first example and samples/ built against them and run;
#   4. the benchmark smoke: the load suite in short, failing on any lost or altered message.
# Needs the .NET 10 SDK, python3-zmq, tmux, nats-server and libzmq5: run as root with apt-get, it
# installs whichever are missing (HYDRA_TEST_INSTALL=0: never); otherwise its first lines name them
# and what is skipped without each (tests/needs.sh).
# Prints one closing line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
source tests/needs.sh
check_needs

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed_steps=0

dotnet test HydraRouter.slnx 2>&1 | tee "$log" || failed_steps=$((failed_steps + 1))
# dotnet test's summary per test project: "Passed!  - Failed: 0, Passed: 512, Skipped: 1, Total: 513, ..."
read -r passed failed skipped < <(awk -F'[:,]' '/(Passed|Failed)! +- Failed:/ { f += $2; p += $4; s += $6 } END { print p + 0, f + 0, s + 0 }' "$log")

echo "== terminal apps end to end (tmux)"
if [[ " $MISSING_NEEDS " == *" tmux "* ]]; then
    echo "skipped: tmux is not installed"
    skipped=$((skipped + 1))
elif bash tests/e2e/tui_e2e.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "== packages: the README's first example and the samples, against the packed Hydra.Router"
if bash tests/packages/packages.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "== benchmark smoke (integrity, not speed)"
if dotnet run -c Release --project bench/Hydra.Bench -- --smoke; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

# A build or runner failure counts even when no test could report it.
if ((failed_steps > 0 && failed == 0)); then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))

#!/usr/bin/env bash
# End-to-end check of the terminal apps in a real terminal (tmux): the router app, a pong
# server and the client app on free loopback ports; press Ping Server in the client app,
# read the screens, grow both terminals from 80 x 24 to 160 x 45, quit the client with Esc
# and the router with Ctrl+C, and require exit code 0 from each, a terminal back in its
# normal modes (keypad, cursor keys, cursor, screen, mouse), as the shell after the app needs
# it, and nothing of the app left on the shell's screen. The router app also serves its metrics
# (--metrics-port 0): after the ping, /metrics must count the two messages it routed.
#
# Needs: dotnet and tmux (Debian package "tmux"). The router binds free ports (--port 0)
# and the script reads them off its screen, so there is no race for a port.
# Every wait polls the screen until the text appears or its deadline passes; nothing
# waits a fixed time for something to happen.
# Set E2E_SCREENS_DIR=<dir> to keep the captured screens (docs/tui.md shows them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
TMUX_SOCKET="hydra-e2e-$$"
DEADLINE_SECONDS="${E2E_DEADLINE_SECONDS:-30}"
export LANG=C.UTF-8 LC_ALL=C.UTF-8

t() { tmux -L "$TMUX_SOCKET" "$@"; }

cleanup() {
    t kill-server 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for session in router pong client; do
        if t has-session -t "$session" 2>/dev/null; then
            echo "--- screen of $session ---" >&2
            t capture-pane -p -t "$session" >&2 || true
        fi
    done
    exit 1
}

screen() { t capture-pane -p -t "$1" 2>/dev/null || true; }

# wait_for SESSION TEXT: poll the session's screen until TEXT (fixed string) appears.
wait_for() {
    local session="$1" text="$2" end=$((SECONDS + DEADLINE_SECONDS))
    until screen "$session" | grep -F -- "$text" >/dev/null; do
        ((SECONDS < end)) || fail "no \"$text\" on the $session screen within ${DEADLINE_SECONDS} s"
        sleep 0.2
    done
    echo "ok: $session shows \"$text\""
}

# The pane's terminal modes, as tmux tracks them. After an app ends, its pane runs on into
# a shell line that prints the exit code and waits (AFTER_APP), so the modes read then are
# those the app left behind: what the next program in that terminal would get.
MODES='keypad #{keypad_flag}, cursor keys #{keypad_cursor_flag}, cursor shown #{cursor_flag}, alternate screen #{alternate_on}, mouse #{mouse_any_flag}'
NORMAL_MODES='keypad 0, cursor keys 0, cursor shown 1, alternate screen 0, mouse 0'
AFTER_APP='; echo "exit code $?"; read -r _'

# wait_for_exit SESSION: wait until the app in it has ended; require exit code 0, a
# terminal back in its normal modes, and a screen with nothing but that exit code on it (the
# pane started empty; before a fix, 12 rows of the app stayed after the terminal had grown).
wait_for_exit() {
    local session="$1" modes left
    wait_for "$session" "exit code "
    screen "$session" | grep -x "exit code 0" >/dev/null || fail "$session did not exit with code 0"
    modes="$(t display -p -t "$session" "$MODES")"
    [[ "$modes" == "$NORMAL_MODES" ]] || fail "$session left the terminal in: $modes (normal: $NORMAL_MODES)"
    echo "ok: $session left the terminal in its normal modes ($modes)"
    left="$(screen "$session" | grep -v -e '^exit code 0$' -e '^ *$' | head -3 || true)"
    [[ -z "$left" ]] || fail "$session left rows of the app on the shell's screen, such as: $left"
    echo "ok: $session left nothing of itself on the shell's screen"
}

keep_screen() {
    if [[ -n "${E2E_SCREENS_DIR:-}" ]]; then
        mkdir -p "$E2E_SCREENS_DIR"
        screen "$1" > "$E2E_SCREENS_DIR/$2"
    fi
}

command -v tmux >/dev/null || { echo "tmux is not installed (apt-get install tmux)" >&2; exit 1; }

echo "building the hydra CLI..."
dotnet build "$ROOT/src/Hydra.Cli/Hydra.Cli.csproj" -c Release -o "$WORK/bin" -nologo -v quiet
HYDRA="$WORK/bin/hydra"
# 80 x 24: the size a new terminal opens at, and the tightest the apps must fit.
t new-session -d -s router -x 80 -y 24 "$HYDRA router --start --address 127.0.0.1 --port 0 --heartbeat-port 0 --metrics-port 0 --metrics-address 127.0.0.1$AFTER_APP"
wait_for router "Routing on tcp://127.0.0.1:"
wait_for router "/metrics"
METRICS_URL="$(screen router | grep -oE 'http://127\.0\.0\.1:[0-9]+/metrics' | head -1)"
[[ -n "$METRICS_URL" ]] || fail "could not read the metrics address off the router screen"
read -r PORT HEARTBEAT_PORT < <(screen router | sed -nE 's/.*Port: ([0-9]+) +Heartbeat port: ([0-9]+).*/\1 \2/p' | head -1)
[[ -n "${PORT:-}" && -n "${HEARTBEAT_PORT:-}" ]] || fail "could not read the bound ports off the router screen"
echo "ports: $PORT (messages), $HEARTBEAT_PORT (heartbeats)"
PEER_FLAGS="--router 127.0.0.1 --port $PORT --heartbeat-port $HEARTBEAT_PORT"

t new-session -d -s pong -x 120 -y 10 "$HYDRA pong $PEER_FLAGS"
wait_for router "│HydraServer"

t new-session -d -s client -x 80 -y 24 "$HYDRA client $PEER_FLAGS --id e2e-client$AFTER_APP"
wait_for client "Hydra Client v"
wait_for client "🟢 Connected"

t send-keys -t client s   # s: Ping Server
wait_for client "Sending ping to HydraServer (#1)"
wait_for client "Received pong in"
wait_for router "e2e-client >  HydraServer : ping"
wait_for router "HydraServer >   e2e-client : pong"
ROUTED="$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "$METRICS_URL" \
    | sed -nE 's/^hydra_router_messages_routed_total(\{[^}]*\})? ([0-9.]+).*/\2/p')"
[[ "$ROUTED" == "2" ]] || fail "$METRICS_URL says hydra_router_messages_routed_total is '${ROUTED}', not 2 (the ping and its pong)"
echo "ok: the router app's /metrics counts the ping and the pong it routed"
keep_screen client client.txt
keep_screen router router.txt

# Grow both terminals, as an operator maximising the window would; the apps lay out again, the
# router's older message lines included (names padded to 18 columns, not 12).
t resize-window -t router -x 160 -y 45
t resize-window -t client -x 160 -y 45
wait_for router "e2e-client >        HydraServer : ping"
wait_for client "Received pong in"

t send-keys -t client Escape
wait_for_exit client
t send-keys -t router C-c # the driver's raw mode makes Ctrl+C a key, not SIGINT
wait_for_exit router
echo "e2e: 1 passed, 0 failed"

# What the tests need beyond the .NET SDK, sourced by test.sh (bash). check_needs installs what is
# missing when it can (root with apt-get, as .ci/run does; HYDRA_TEST_INSTALL=0 turns that off), and
# otherwise names each missing package and what is skipped without it, before any test runs.
# Each probe looks where the tests themselves look, so a package found here is one the tests find.

# Debian package, then what is skipped without it; its probe is has_<package, dashes as underscores>.
NEEDS=(
    "python3-zmq|the Python interop tests (real pyzmq peers and the Python router)"
    "libzmq5|the libzmq rows of every router, peer, interop, reliability and security test"
    "nats-server|the cluster tests (they start real NATS servers)"
    "tmux|the terminal apps end to end (tests/e2e) and the terminal tests run in tmux"
    "iptables|the cluster partition tests (they cut network namespaces apart; as root only)"
    "iproute2|the cluster partition tests (ip netns, ss; as root only)"
)

has_python3_zmq() { /usr/bin/python3 -c "import zmq" 2>/dev/null; }
has_libzmq5() {
    if [[ -n "${HYDRA_LIBZMQ:-}" ]]; then [[ -f "$HYDRA_LIBZMQ" ]]; else ldconfig -p 2>/dev/null | grep 'libzmq\.so\.5 ' >/dev/null; fi
}
has_nats_server() { [[ -x /usr/sbin/nats-server || -x /usr/bin/nats-server || -x /usr/local/bin/nats-server ]]; }
has_tmux() { command -v tmux >/dev/null; }
has_iptables() { PATH="$PATH:/usr/sbin:/sbin" command -v iptables >/dev/null; }
has_iproute2() { PATH="$PATH:/usr/sbin:/sbin" command -v ip >/dev/null && PATH="$PATH:/usr/sbin:/sbin" command -v ss >/dev/null; }

can_install() { [[ "${HYDRA_TEST_INSTALL:-1}" != 0 && $EUID -eq 0 ]] && command -v apt-get >/dev/null; }

has() { "has_$(tr -- '-' '_' <<<"$1")"; }

# The packages still missing, one a line.
missing_needs() {
    local need
    for need in "${NEEDS[@]}"; do
        has "${need%%|*}" || echo "${need%%|*}"
    done
}

# Installs or names what is missing; sets MISSING_NEEDS (space-separated) to what is still missing.
check_needs() {
    local missing need
    missing=$(missing_needs | tr '\n' ' ')
    if [[ -n "$missing" ]] && can_install; then
        echo "== installing what the tests need: ${missing% }"
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086 # one word per package
        apt-get update -qq && apt-get install -y -qq $missing >/dev/null || echo "apt-get could not install them all"
        missing=$(missing_needs | tr '\n' ' ')
    fi
    MISSING_NEEDS="${missing% }"
    for need in "${NEEDS[@]}"; do
        if [[ " $missing " == *" ${need%%|*} "* ]]; then
            echo "MISSING ${need%%|*}: skipped without it: ${need#*|}"
        fi
    done
    if [[ -n "$MISSING_NEEDS" ]]; then
        echo "install them with: apt-get install -y $MISSING_NEEDS"
    fi
}

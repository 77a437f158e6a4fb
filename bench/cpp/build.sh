#!/usr/bin/env bash
# Builds the C++ anchors: anchor_router (the bare libzmq ROUTER forwarder) and loadgen.
#   bench/cpp/build.sh OUT_DIR        (default: bench/cpp/bin, which git ignores)
# Needs g++ (C++17) and libzmq's headers: apt-get install -y g++ libzmq3-dev
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/bin}"

if ! command -v g++ >/dev/null 2>&1; then
  echo "build.sh: g++ not found; install it: apt-get install -y g++" >&2
  exit 1
fi
if ! echo '#include <zmq.h>' | g++ -x c++ -fsyntax-only - >/dev/null 2>&1; then
  echo "build.sh: zmq.h not found (libzmq's headers); install them: apt-get install -y libzmq3-dev (macOS: brew install zeromq)" >&2
  exit 1
fi

mkdir -p "$out"
for program in anchor_router loadgen; do
  g++ -O2 -std=c++17 -Wall -Wextra -o "$out/$program" "$here/$program.cpp" -lzmq -pthread
done
echo "built $out/anchor_router and $out/loadgen"

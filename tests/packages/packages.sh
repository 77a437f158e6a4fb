#!/usr/bin/env bash
# The packages as a .NET user gets them: pack the repository into ./nupkg, then
#   1. build the README's first C# example, unchanged, in a new console app that references the
#      Hydra.Router package (not the projects), run it, and check its publish output has no WCF;
#   2. build samples/HostedRouter against Hydra.Router.Hosting and run it until its health checks
#      pass, then with a bad port, which must fail in one line;
#   3. build samples/RequestReplyWithPython against the package and run it, through a router,
#      against its Python peer (pyzmq).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -1)
app=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$app"; }
trap cleanup EXIT
# A port the kernel has just handed out, free for the moment (the next one is used for heartbeats).
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Same version, new content: never take the package from NuGet's cache.
rm -rf "$repo/nupkg" ~/.nuget/packages/hydra.router ~/.nuget/packages/hydra.router.cli ~/.nuget/packages/hydra.router.hosting
dotnet pack "$repo/HydraRouter.slnx" -c Release -o "$repo/nupkg" --nologo -v quiet
ls "$repo/nupkg"

echo "-- the README's first example"
cd "$app"
dotnet new console -o . >/dev/null
dotnet new nugetconfig >/dev/null
dotnet nuget add source "$repo/nupkg" -n hydra-local --configfile nuget.config >/dev/null
dotnet add package Hydra.Router --version "$version" >/dev/null
awk '/^## The library/{f=1} f&&/^```csharp/{g=1;next} g&&/^```/{exit} g{print}' "$repo/README.md" > Program.cs
dotnet publish -c Release -o bin/out -warnaserror --nologo -v quiet >/dev/null
first=$(timeout 60 "./bin/out/$(basename "$app")" | head -1)
if [[ "$first" != "5" ]]; then
    echo "FAIL: the README's example printed '$first', not 5"
    exit 1
fi
if ls bin/out | grep '^System\.ServiceModel' >/dev/null; then
    echo "FAIL: the example's publish output carries WCF assemblies"
    exit 1
fi
echo "ok: the README's example ran against Hydra.Router $version ($(find bin/out -type f | wc -l) files, $(du -sh bin/out | cut -f1) published)"

echo "-- samples/HostedRouter"
hosted="$repo/samples/HostedRouter"
dotnet build "$hosted" -c Release -warnaserror --nologo -v quiet >/dev/null
port=$(free_port)
if ! log=$(cd "$hosted" && Hydra__Router__Port=$port Hydra__Router__HeartbeatPort=$((port + 1)) Hydra__Peer__RouterPort=$port \
        Hydra__Peer__RouterHeartbeatPort=$((port + 1)) Sample__ExitWhenHealthy=true timeout 60 dotnet run -c Release --no-build 2>&1); then
    echo "$log"
    echo "FAIL: samples/HostedRouter did not report healthy and exit 0 within 60 s"
    exit 1
fi
grep -q "hydra-peer: Healthy" <<<"$log" || { echo "$log"; echo "FAIL: samples/HostedRouter exited without a healthy peer"; exit 1; }
bad=$(cd "$hosted" && Hydra__Router__Port=70000 timeout 60 dotnet run -c Release --no-build 2>&1 | tail -1 || true)
if [[ "$bad" != "ERROR: Hydra:Router: Port must be 0–65535 (0 picks a free port), not 70000" ]]; then
    echo "FAIL: samples/HostedRouter with port 70000 ended with '$bad'"
    exit 1
fi
# The hydra command's variables: one pair moves the router and the peer (where hydra router listens, where hydra pong connects).
port=$(free_port)
if ! log=$(cd "$hosted" && HYDRA_PORT=$port HYDRA_HEARTBEAT_PORT=$((port + 1)) Sample__ExitWhenHealthy=true timeout 60 dotnet run -c Release --no-build 2>&1); then
    echo "$log"
    echo "FAIL: samples/HostedRouter with HYDRA_PORT=$port did not report healthy and exit 0 within 60 s"
    exit 1
fi
grep -q "Router listening on tcp://127.0.0.1:$port " <<<"$log" || { echo "$log"; echo "FAIL: samples/HostedRouter did not listen on HYDRA_PORT=$port"; exit 1; }
bad=$(cd "$hosted" && HYDRA_PORT=fifty timeout 60 dotnet run -c Release --no-build 2>&1 | tail -1 || true)
if [[ "$bad" != "ERROR: --port must be a port number from 0 to 65535 (0: any free port), got 'fifty' (--port from HYDRA_PORT)" ]]; then
    echo "FAIL: samples/HostedRouter with HYDRA_PORT=fifty ended with '$bad'"
    exit 1
fi
echo "ok: samples/HostedRouter reported healthy against Hydra.Router.Hosting $version, on Hydra__* and on HYDRA_* variables, and refused port 70000 and HYDRA_PORT=fifty in one line"

echo "-- samples/RequestReplyWithPython"
if ! /usr/bin/python3 -c "import zmq" 2>/dev/null; then
    if [[ "${HYDRA_REQUIRE_PYTHON:-}" == "1" ]]; then echo "FAIL: python3-zmq is not installed"; exit 1; fi
    echo "skipped: python3-zmq is not installed (its Python peer needs it)"
    exit 0
fi
sample="$repo/samples/RequestReplyWithPython"
dotnet build "$sample" -c Release --nologo -v quiet >/dev/null
port=$(free_port)
dotnet "$repo/src/Hydra.Cli/bin/Release/net10.0/hydra.dll" router --headless --address 127.0.0.1 --port "$port" --heartbeat-port $((port + 1)) \
    > "$app/router.log" 2>&1 &
pids+=($!)
/usr/bin/python3 "$sample/calculator.py" 127.0.0.1 "$port" $((port + 1)) > "$app/calculator.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "calculator ready" "$app/calculator.log" && break; sleep 0.1; done
grep -q "calculator ready" "$app/calculator.log" || { echo "FAIL: the Python peer did not get a pong within 10 s"; cat "$app/router.log" "$app/calculator.log"; exit 1; }
answer=$(timeout 60 dotnet run --project "$sample" -c Release --no-build -- "$port")
if [[ "$answer" != "add_reply: 5" ]]; then
    echo "FAIL: the sample printed '$answer', not 'add_reply: 5'"
    cat "$app/router.log"
    exit 1
fi
echo "ok: samples/RequestReplyWithPython: $answer"

#!/usr/bin/env bash
# samples/HostedRouter as a .NET user builds it: pack the repository, copy the sample out of it (so no
# Directory.*.props applies), swap its project reference for the Hydra.Router.Hosting package from the
# pack output, build it, and run it until its health checks all pass (Sample:ExitWhenHealthy), on free ports.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -1)
hosting=$(sed -n 's:.*"Microsoft.Extensions.Hosting" Version="\([^"]*\)".*:\1:p' "$repo/Directory.Packages.props")
systemd=$(sed -n 's:.*"Microsoft.Extensions.Hosting.Systemd" Version="\([^"]*\)".*:\1:p' "$repo/Directory.Packages.props")
out=$(mktemp -d)
app=$(mktemp -d)
trap 'rm -rf "$out" "$app"' EXIT
# Same version, new content: never take the packages from NuGet's cache.
rm -rf ~/.nuget/packages/hydra.router ~/.nuget/packages/hydra.router.hosting
dotnet pack "$repo/HydraRouter.slnx" -c Release -o "$out" --nologo -v quiet
cp "$repo"/samples/HostedRouter/{Program.cs,HealthReport.cs,appsettings.json} "$app"
cat > "$app/HostedRouter.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Hydra.Router.Hosting" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.Hosting" Version="$hosting" />
    <PackageReference Include="Microsoft.Extensions.Hosting.Systemd" Version="$systemd" />
  </ItemGroup>
  <ItemGroup>
    <None Update="appsettings.json" CopyToOutputDirectory="PreserveNewest" />
  </ItemGroup>
</Project>
XML
cd "$app"
dotnet new nugetconfig >/dev/null
dotnet nuget add source "$out" -n hydra-local --configfile nuget.config >/dev/null
dotnet publish -c Release -o bin/out --nologo -v quiet >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
heartbeat=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cd bin/out
if ! log=$(Hydra__Router__Port=$port Hydra__Router__HeartbeatPort=$heartbeat Hydra__Peer__RouterPort=$port \
        Hydra__Peer__RouterHeartbeatPort=$heartbeat Sample__ExitWhenHealthy=true timeout 60 ./HostedRouter 2>&1); then
    echo "$log"
    echo "FAIL: the hosted sample did not report healthy and exit 0 within 60 s"
    exit 1
fi
if ! grep -q "hydra-peer: Healthy" <<<"$log"; then
    echo "$log"
    echo "FAIL: the hosted sample exited without a healthy peer"
    exit 1
fi
bad=$(Hydra__Router__Port=70000 timeout 60 ./HostedRouter 2>&1 | tail -1 || true)
if [[ "$bad" != "ERROR: Hydra:Router: Port must be 0–65535 (0 picks a free port), not 70000" ]]; then
    echo "FAIL: a bad port ended with '$bad'"
    exit 1
fi
echo "ok: samples/HostedRouter built against Hydra.Router.Hosting $version, reported healthy and refused port 70000 in one line"

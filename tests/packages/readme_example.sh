#!/usr/bin/env bash
# The packages as a .NET user gets them: pack the repository, then build the README's first C#
# example, unchanged, in a new console app that references the Hydra.Router package (not the
# projects), run it, and check that its publish output carries no WCF assembly.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -1)
out=$(mktemp -d)
app=$(mktemp -d)
trap 'rm -rf "$out" "$app"' EXIT
# Same version, new content: never take the package from NuGet's cache.
rm -rf ~/.nuget/packages/hydra.router ~/.nuget/packages/hydra.router.cli
dotnet pack "$repo/HydraRouter.slnx" -c Release -o "$out" --nologo -v quiet
ls "$out"
cd "$app"
dotnet new console -o . >/dev/null
dotnet new nugetconfig >/dev/null
dotnet nuget add source "$out" -n hydra-local --configfile nuget.config >/dev/null
dotnet add package Hydra.Router --version "$version" >/dev/null
awk '/^## The library/{f=1} f&&/^```csharp/{g=1;next} g&&/^```/{exit} g{print}' "$repo/README.md" > Program.cs
dotnet publish -c Release -o bin/out -warnaserror --nologo -v quiet >/dev/null
first=$(timeout 60 "./bin/out/$(basename "$app")" | head -1)
if [[ "$first" != "5" ]]; then
    echo "FAIL: the README's example printed '$first', not 5"
    exit 1
fi
if ls bin/out | grep -q '^System\.ServiceModel'; then
    echo "FAIL: the example's publish output carries WCF assemblies"
    exit 1
fi
echo "ok: the README's example ran against Hydra.Router $version ($(find bin/out -type f | wc -l) files, $(du -sh bin/out | cut -f1) published)"

#!/usr/bin/env bash
# The fresh-consumer check: pack the three packages into a local folder, create a new console project outside the
# repository, install SfOAuthGen and SfOAuthGen.Testing from that folder only, build with warnings as errors and
# run a program that gets a token for each of two orgs from the recorded-response server on 127.0.0.1.
# Everything restores into an empty, temporary global packages folder (NUGET_PACKAGES): what this machine has cached
# or keeps in a local folder cannot help, so the repository and the packages restore on any machine with the registry.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sfoauthgen-fresh.XXXXXX")
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
app="$work/app"
export NUGET_PACKAGES="$work/packages"
mkdir -p "$NUGET_PACKAGES"
if [ -n "$(ls -A "$NUGET_PACKAGES")" ]; then
  echo "fresh consumer: $NUGET_PACKAGES is not empty" >&2
  exit 1
fi
# No source but the registry (and, for the app, the folder of packages just built) may be configured.
if grep -qiE '<add [^>]*value="(/|[A-Za-z]:\\|\.\.?/)' "$repo/NuGet.config"; then
  echo "fresh consumer: NuGet.config names a local folder; restore would fail on other machines (NU1301)" >&2
  exit 1
fi
# A version no cache has seen, so the packages just built are the ones installed.
version="0.1.0-fresh.$(date +%s)"

echo "fresh consumer: packing $version into $feed"
for project in generator/SfOAuthGen.Generator runtime/SfOAuthGen.Runtime integration-tests/SfOAuthGen.Testing; do
  dotnet pack "$repo/$project" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
done

mkdir -p "$app"
cd "$app"
dotnet new console --name FreshConsumer --output . --framework net10.0 >/dev/null
# The README's nuget.config ("Add it to your project"), with its package folder pointed at the one just packed: the
# commands users are given are the ones checked here.
awk '/^## Add it to your project/ { section = 1; next } section && /^## / { exit }
     section && /^```xml/ { block = 1; next } block && /^```/ { exit } block { print }' "$repo/README.md" \
  | sed "s|value=\"../sfoauthgen-packages\"|value=\"$feed\"|" > nuget.config
grep -q "<packageSourceMapping>" nuget.config
grep -q "value=\"$feed\"" nuget.config
dotnet add package SfOAuthGen --version "$version" >/dev/null
dotnet add package SfOAuthGen.Testing --version "$version" >/dev/null
cp "$here/sfauth.json" "$here/Program.cs" .
cp "$here/cassette.json" .
# The cassette is the app's own data: copy it beside the program.
sed -i 's|</Project>|  <ItemGroup>\n    <None Include="cassette.json" CopyToOutputDirectory="PreserveNewest" />\n  </ItemGroup>\n</Project>|' FreshConsumer.csproj

for package in sfoauthgen sfoauthgen.testing microsoft.codeanalysis.csharp; do
  if [ ! -d "$NUGET_PACKAGES/$package" ]; then
    echo "fresh consumer: $package was not restored into the empty packages folder" >&2
    exit 1
  fi
done
echo "fresh consumer: restored $(ls "$NUGET_PACKAGES" | wc -l) packages into the empty folder $NUGET_PACKAGES"

# SfOAuthGen.Testing ships a ReadyToRun image per runtime (its ReadyToRun.targets); the host loads the one for this machine.
for rid in linux-x64 linux-arm64 win-x64 osx-arm64; do
  if [ ! -f "$NUGET_PACKAGES/sfoauthgen.testing/$version/runtimes/$rid/lib/net10.0/SfOAuthGen.Testing.dll" ]; then
    echo "fresh consumer: the SfOAuthGen.Testing package has no ReadyToRun image for $rid" >&2
    exit 1
  fi
done

echo "fresh consumer: building with warnings as errors"
dotnet build -c Release -p:TreatWarningsAsErrors=true -p:Nullable=enable --nologo -v quiet

export FRESH_SANDBOX_CLIENT_ID=fresh-sandbox-client-id FRESH_SANDBOX_CLIENT_SECRET=fresh-sandbox-client-secret
export FRESH_SANDBOX_USERNAME=fresh@example.com FRESH_SANDBOX_PASSWORD='fresh+pass&word=1'
export FRESH_INTEGRATION_CLIENT_ID=fresh-integration-client-id FRESH_INTEGRATION_CLIENT_SECRET=fresh-integration-secret
export FRESH_INTEGRATION_REFRESH_TOKEN=fresh-integration-refresh-token
output=$(dotnet run -c Release --no-build)
echo "$output"
grep -q "fresh consumer: every org got a token" <<<"$output"
if [ "$(uname -sm)" = "Linux x86_64" ] && ! grep -q '"runtimes/linux-x64/lib/net10.0/SfOAuthGen.Testing.dll"' bin/Release/net10.0/FreshConsumer.deps.json; then
  echo "fresh consumer: the app does not list SfOAuthGen.Testing's linux-x64 ReadyToRun image" >&2
  exit 1
fi
if grep -qE "fresh-sandbox-client-secret|fresh\+pass|fresh-integration-secret|fresh-integration-refresh-token" <<<"$output"; then
  echo "fresh consumer: a secret appeared in the output" >&2
  exit 1
fi
echo "fresh consumer: passed"

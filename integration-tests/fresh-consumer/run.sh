#!/usr/bin/env bash
# The fresh-consumer check: pack the three packages into a local folder, create a new console project outside the
# repository, install SfOAuthGen and SfOAuthGen.Testing from that folder only, build with warnings as errors and
# run a program that gets a token for each of two orgs from the recorded-response server on 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sfoauthgen-fresh.XXXXXX")
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
app="$work/app"
# A version no cache has seen, so the packages just built are the ones installed.
version="0.1.0-fresh.$(date +%s)"

echo "fresh consumer: packing $version into $feed"
for project in generator/SfOAuthGen.Generator runtime/SfOAuthGen.Runtime integration-tests/SfOAuthGen.Testing; do
  dotnet pack "$repo/$project" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
done

mkdir -p "$app"
cd "$app"
dotnet new console --name FreshConsumer --output . --framework net10.0 >/dev/null
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="local">
      <package pattern="SfOAuthGen" />
      <package pattern="SfOAuthGen.*" />
    </packageSource>
    <packageSource key="nuget.org">
      <package pattern="*" />
    </packageSource>
  </packageSourceMapping>
</configuration>
XML
dotnet add package SfOAuthGen --version "$version" >/dev/null
dotnet add package SfOAuthGen.Testing --version "$version" >/dev/null
cp "$here/sfauth.json" "$here/Program.cs" .
cp "$here/cassette.json" .
# The cassette is the app's own data: copy it beside the program.
sed -i 's|</Project>|  <ItemGroup>\n    <None Include="cassette.json" CopyToOutputDirectory="PreserveNewest" />\n  </ItemGroup>\n</Project>|' FreshConsumer.csproj

echo "fresh consumer: building with warnings as errors"
dotnet build -c Release -p:TreatWarningsAsErrors=true -p:Nullable=enable --nologo -v quiet

export FRESH_SANDBOX_CLIENT_ID=fresh-sandbox-client-id FRESH_SANDBOX_CLIENT_SECRET=fresh-sandbox-client-secret
export FRESH_SANDBOX_USERNAME=fresh@example.com FRESH_SANDBOX_PASSWORD='fresh+pass&word=1'
export FRESH_INTEGRATION_CLIENT_ID=fresh-integration-client-id FRESH_INTEGRATION_CLIENT_SECRET=fresh-integration-secret
export FRESH_INTEGRATION_REFRESH_TOKEN=fresh-integration-refresh-token
output=$(dotnet run -c Release --no-build)
echo "$output"
grep -q "fresh consumer: every org got a token" <<<"$output"
if grep -qE "fresh-sandbox-client-secret|fresh\+pass|fresh-integration-secret|fresh-integration-refresh-token" <<<"$output"; then
  echo "fresh consumer: a secret appeared in the output" >&2
  exit 1
fi
echo "fresh consumer: passed"

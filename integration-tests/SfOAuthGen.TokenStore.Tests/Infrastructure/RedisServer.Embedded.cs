using Garnet;

namespace SfOAuthGen.TokenStore.Tests.Infrastructure;

internal sealed partial class RedisServer
{
    /// <summary>Garnet in this process on <paramref name="port"/>, with Lua on (the store's compare-and-set is a script).</summary>
    private static IDisposable StartEmbedded(int port)
    {
        var server = new GarnetServer(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--lua", "true", "--memory", "64m", "--index", "16m"]);
        server.Start();
        return server;
    }
}

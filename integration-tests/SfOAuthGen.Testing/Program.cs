using System.Runtime.InteropServices;
using SfOAuthGen.Testing;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let the server stop (and a recording be written) instead of killing the process
    stop.Cancel();
};

// SIGTERM (kill, a CI script, a container stopping) stops it the same way as Ctrl+C.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

return await StandaloneServer.RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);

using SfOAuthGen.Tool;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop waiting for the browser cleanly instead of killing the process
    stop.Cancel();
};

return await SfAuthTool.RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);

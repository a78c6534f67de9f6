using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SfOAuthGen.IntegrationTests.Infrastructure;

/// <summary>
/// Everything a test run printed or threw: log lines (as an <see cref="ILoggerProvider"/>), the server's request log,
/// exception messages and <c>ToString()</c>s, token <c>ToString()</c>s. Tests search it for secrets at the end.
/// </summary>
internal sealed class Transcript : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines;

    public string Text => string.Join("\n", lines);

    public void Add(string line) => lines.Enqueue(line);

    public void Add(Exception exception)
    {
        lines.Enqueue(exception.Message);
        lines.Enqueue(exception.ToString());
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Asserts that nothing collected holds <paramref name="credentials"/>' secrets or any issued token.</summary>
    public void AssertNoSecret(Credentials credentials, IEnumerable<(string Name, string Value)>? issued = null)
    {
        Assert.NotEmpty(lines);
        SecretScan.AssertNone(Text, credentials.Secrets().Concat(issued ?? []), credentials.ClientId, "the transcript");
    }

    private sealed class Logger(Transcript transcript, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> fields)
            {
                line += " {" + string.Join(", ", fields.Select(f => f.Key + "=" + f.Value)) + "}";
            }

            transcript.Add(exception is null ? line : line + "\n" + exception);
        }
    }
}

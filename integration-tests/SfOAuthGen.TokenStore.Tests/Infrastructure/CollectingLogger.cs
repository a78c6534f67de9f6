using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SfOAuthGen.TokenStore.Tests.Infrastructure;

/// <summary>Keeps every log line (at Trace and up) with its event name, for assertions and leak scans.</summary>
internal sealed class CollectingLogger : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(string Event, LogLevel Level, string Text)> _entries = new();

    public IReadOnlyList<(string Event, LogLevel Level, string Text)> Entries => _entries.ToArray();

    public string AllText => string.Join('\n', _entries.Select(e => e.Text));

    public ILoggerFactory Factory() => LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((eventId.Name ?? string.Empty, logLevel, formatter(state, exception) + (exception is null ? string.Empty : "\n" + exception)));

    public void Dispose()
    {
    }
}

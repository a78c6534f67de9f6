using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SfOAuthGen.Runtime.Tests.Infrastructure;

internal sealed record LogRecord(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, string?> State, Exception? Exception);

/// <summary>
/// Keeps every log line at every level, Trace included, and hands each one (message, structured values, exception) to
/// <see cref="Secrets.Observe(string?)"/>, which fails the test that logged a secret at once.
/// </summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogRecord> Records { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public IEnumerable<LogRecord> Events(string eventName) => Records.Where(r => r.EventId.Name == eventName);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var values = new Dictionary<string, string?>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    values[pair.Key] = Convert.ToString(pair.Value, System.Globalization.CultureInfo.InvariantCulture);
                    Secrets.Observe(values[pair.Key]);
                }
            }

            Secrets.Observe(message);
            if (exception is not null)
            {
                Secrets.Observe(exception);
            }

            owner.Records.Enqueue(new LogRecord(category, logLevel, eventId, message, values, exception));
        }
    }
}

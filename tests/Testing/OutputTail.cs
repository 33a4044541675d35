using System.Collections.Concurrent;

namespace UserEvents.Orleans.Testing;

/// <summary>The last lines a child process wrote, for error messages and assertions; optionally also appended to a log file.</summary>
public sealed class OutputTail(int capacity, string? logPath = null)
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly Lock logGate = new();

    /// <summary>The kept lines, oldest first.</summary>
    public IEnumerable<string> Lines => lines;

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        while (lines.Count > capacity)
        {
            lines.TryDequeue(out _);
        }

        if (logPath is not null)
        {
            lock (logGate)
            {
                File.AppendAllText(logPath, line + Environment.NewLine);
            }
        }
    }

    public bool Contains(string text) => lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>The last <paramref name="count"/> lines, one a line.</summary>
    public string Tail(int count) => string.Join(Environment.NewLine, lines.TakeLast(count));

    public override string ToString() => string.Join(Environment.NewLine, lines);
}

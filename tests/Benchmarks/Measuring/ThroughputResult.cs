namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>One line of a throughput section: <see cref="Events"/> done in <see cref="Elapsed"/>, or why it failed.</summary>
public sealed record ThroughputResult(string Line, long Events, TimeSpan Elapsed, string Notes)
{
    /// <summary>Set when the scenario failed; the numbers mean nothing then.</summary>
    public string? Error { get; init; }

    public bool Succeeded => Error is null;

    /// <summary>CPU per event of the consumer's process and of PostgreSQL, when measured.</summary>
    public CpuPerEvent? Cpu { get; init; }

    /// <summary>Managed bytes the consumer allocated per event over the measured window, when measured.</summary>
    public double? AllocatedBytesPerEvent { get; init; }

    public double EventsPerSecond => Events / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public static ThroughputResult Failed(string line, Exception exception) =>
        new(line, 0, TimeSpan.Zero, "") { Error = exception.GetType().Name + ": " + exception.Message.Split(Environment.NewLine)[0] };
}

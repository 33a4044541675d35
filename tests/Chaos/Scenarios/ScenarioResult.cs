using UserEvents.Orleans.Chaos.Measuring;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// One scenario's line of the results: the reconciliation, the longest time a partition did not consume after the fault
/// (null when not measured), the largest silo RSS, the checks that failed (none: passed) and notes.
/// </summary>
public sealed record ScenarioResult(
    int Number,
    string Name,
    Reconciliation? Reconciliation,
    TimeSpan? Resumption,
    long PeakSiloRssBytes,
    IReadOnlyList<string> Failures,
    string Notes,
    TimeSpan Duration)
{
    public bool Passed => Failures.Count == 0;
}

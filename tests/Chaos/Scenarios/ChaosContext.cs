using UserEvents.Orleans.Chaos.Infrastructure;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>
/// What every scenario needs: the built programs, the options, where logs go, progress output, and the load profile
/// (full, or short with --quick).
/// </summary>
public sealed record ChaosContext(RepositoryLayout Layout, ChaosOptions Options, string RunName, string LogDirectory, Action<string> Progress)
{
    public bool Quick => Options.Quick;

    /// <summary>Events per second of the steady producer.</summary>
    public double Rate => Pick(2000.0, 300.0);

    /// <summary>Share of malformed records in every scenario but the malformed one.</summary>
    public static double BackgroundMalformedPercent => 1.0;

    /// <summary>Load before the fault.</summary>
    public TimeSpan WarmUp => Pick(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3));

    /// <summary>Load after every partition consumes again, before the producer stops.</summary>
    public TimeSpan Settle => Pick(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(2));

    /// <summary>The longest wait for every partition to consume again after a fault (a longer stall fails anyway).</summary>
    public static TimeSpan ResumeTimeout => TimeSpan.FromSeconds(60);

    /// <summary>The longest wait, after the producer stopped, for everything to be stored.</summary>
    public TimeSpan DrainTimeout => Pick(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60));

    /// <summary>The full value, or the quick one with --quick.</summary>
    public T Pick<T>(T full, T quick) => Quick ? quick : full;
}

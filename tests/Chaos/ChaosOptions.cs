using System.Globalization;

namespace UserEvents.Orleans.Chaos;

/// <summary>
/// The command line: <c>[--quick] [--keep] [scenario number...]</c>. No numbers: every scenario.
/// PostgreSQL: <c>USER_EVENTS_CHAOS_POSTGRES</c> (an admin connection string; default the local server on 5433).
/// </summary>
public sealed record ChaosOptions(bool Quick, bool KeepDatabases, IReadOnlyList<int> Scenarios, string AdminConnectionString, int? RebalanceCycles = null, DateTimeOffset? RebalanceDeadline = null)
{
    public const string PostgresVariable = "USER_EVENTS_CHAOS_POSTGRES";
    public const string DefaultAdminConnectionString = "Host=127.0.0.1;Port=5433;Username=postgres;Password=postgres;Database=postgres";

    /// <exception cref="ArgumentException">An unknown option or scenario number.</exception>
    public static ChaosOptions Parse(IReadOnlyList<string> args, IReadOnlyList<int> knownScenarios)
    {
        var quick = false;
        var keep = false;
        var scenarios = new List<int>();
        int? rebalance = null;
        DateTimeOffset? deadline = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--rebalance-deadline":
                    if (i + 1 >= args.Count || !TimeOnly.TryParseExact(args[i + 1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until))
                    {
                        throw new ArgumentException("--rebalance-deadline needs a UTC time of day, HH:mm");
                    }

                    var today = DateTimeOffset.UtcNow;
                    deadline = new DateTimeOffset(DateOnly.FromDateTime(today.UtcDateTime), until, TimeSpan.Zero);
                    if (deadline < today)
                    {
                        deadline = deadline.Value.AddDays(1);
                    }

                    i++;
                    break;
                case "--rebalance-trials":
                    if (i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var cycles) && cycles > 0)
                    {
                        rebalance = cycles;
                        i++;
                    }
                    else
                    {
                        rebalance = 0;
                    }

                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--keep":
                    keep = true;
                    break;
                default:
                    if (!int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || !knownScenarios.Contains(number))
                    {
                        throw new ArgumentException($"unknown argument '{arg}': expected --quick, --keep or a scenario number ({string.Join(", ", knownScenarios)})");
                    }

                    if (!scenarios.Contains(number))
                    {
                        scenarios.Add(number);
                    }

                    break;
            }
        }

        if (rebalance == 0)
        {
            rebalance = quick ? 1 : throw new ArgumentException("--rebalance-trials needs a positive number of trials (or --quick for 1)");
        }

        if (deadline is not null && rebalance is null)
        {
            throw new ArgumentException("--rebalance-deadline goes with --rebalance-trials");
        }

        if (rebalance is not null && scenarios.Count > 0)
        {
            throw new ArgumentException("--rebalance-trials runs alone: no scenario numbers with it");
        }

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        return new ChaosOptions(quick, keep, scenarios.Count == 0 ? knownScenarios : scenarios, string.IsNullOrWhiteSpace(admin) ? DefaultAdminConnectionString : admin, rebalance, deadline);
    }
}

using System.Globalization;

namespace UserEvents.Orleans.Chaos;

/// <summary>
/// The command line: <c>[--quick] [--keep] [scenario number...]</c>. No numbers: every scenario.
/// PostgreSQL: <c>USER_EVENTS_CHAOS_POSTGRES</c> (an admin connection string; default the local server on 5433).
/// </summary>
public sealed record ChaosOptions(bool Quick, bool KeepDatabases, IReadOnlyList<int> Scenarios, string AdminConnectionString)
{
    public const string PostgresVariable = "USER_EVENTS_CHAOS_POSTGRES";
    public const string DefaultAdminConnectionString = "Host=127.0.0.1;Port=5433;Username=postgres;Password=postgres;Database=postgres";

    /// <exception cref="ArgumentException">An unknown option or scenario number.</exception>
    public static ChaosOptions Parse(IReadOnlyList<string> args, IReadOnlyList<int> knownScenarios)
    {
        var quick = false;
        var keep = false;
        var scenarios = new List<int>();
        foreach (var arg in args)
        {
            switch (arg)
            {
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

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        return new ChaosOptions(quick, keep, scenarios.Count == 0 ? knownScenarios : scenarios, string.IsNullOrWhiteSpace(admin) ? DefaultAdminConnectionString : admin);
    }
}

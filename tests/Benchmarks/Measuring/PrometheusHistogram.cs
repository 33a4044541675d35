using System.Globalization;
using System.Text.RegularExpressions;

namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// One histogram of a Prometheus page: cumulative counts per upper bound, summed over its label sets. Two readings
/// subtract (<see cref="Since"/>), and a quantile is interpolated inside the bucket that holds it, as Prometheus'
/// <c>histogram_quantile</c> does.
/// </summary>
public sealed partial class PrometheusHistogram
{
    private readonly SortedDictionary<double, double> cumulative;

    private PrometheusHistogram(SortedDictionary<double, double> cumulative) => this.cumulative = cumulative;

    /// <summary>Observations counted.</summary>
    public double Count => cumulative.Count == 0 ? 0 : cumulative.Values.Last();

    /// <summary>The histogram <paramref name="name"/> (its base name, without <c>_bucket</c>) of <paramref name="page"/>.</summary>
    public static PrometheusHistogram Parse(string? page, string name)
    {
        var cumulative = new SortedDictionary<double, double>();
        foreach (var line in (page ?? "").Split('\n'))
        {
            var match = BucketLine().Match(line);
            if (!match.Success || match.Groups["name"].Value != name)
            {
                continue;
            }

            var upper = match.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(match.Groups["le"].Value, CultureInfo.InvariantCulture);
            cumulative[upper] = cumulative.GetValueOrDefault(upper) + double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return new PrometheusHistogram(cumulative);
    }

    /// <summary>What was observed after <paramref name="earlier"/> (a reading of the same histogram of the same process).</summary>
    public PrometheusHistogram Since(PrometheusHistogram earlier) => new(new SortedDictionary<double, double>(
        cumulative.ToDictionary(b => b.Key, b => b.Value - earlier.cumulative.GetValueOrDefault(b.Key))));

    /// <summary>The <paramref name="q"/> quantile (0-1) in the histogram's unit; null without observations.</summary>
    public double? Quantile(double q)
    {
        if (Count <= 0)
        {
            return null;
        }

        var rank = q * Count;
        double lower = 0, below = 0;
        foreach (var (upper, count) in cumulative)
        {
            if (count >= rank)
            {
                if (double.IsPositiveInfinity(upper))
                {
                    return lower;
                }

                var inside = count - below;
                return lower + ((upper - lower) * (inside > 0 ? (rank - below) / inside : 1));
            }

            (lower, below) = (upper, count);
        }

        return lower;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)_bucket\{[^}]*le="(?<le>[^"]+)"[^}]*\}\s+(?<value>\S+)""")]
    private static partial Regex BucketLine();
}

using System.Globalization;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>The samples of a Prometheus text exposition: <c>name{labels} value</c> lines (OpenTelemetry's exporter writes no timestamps).</summary>
public sealed class PrometheusText
{
    private readonly List<Sample> samples;

    private PrometheusText(List<Sample> samples) => this.samples = samples;

    public IEnumerable<string> Names => samples.Select(s => s.Name).Distinct();

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var labelsStart = line.IndexOf('{', StringComparison.Ordinal);
            var labelsEnd = line.LastIndexOf('}');
            var valueStart = line.LastIndexOf(' ');
            var name = labelsStart >= 0 ? line[..labelsStart] : line[..valueStart];
            var labels = labelsStart >= 0 ? line[(labelsStart + 1)..labelsEnd] : "";
            var valueText = line[(valueStart + 1)..];
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                samples.Add(new Sample(name, labels, value));
            }
        }

        return new PrometheusText(samples);
    }

    public IReadOnlyList<Sample> Series(string name) => samples.Where(s => s.Name == name).ToList();

    public double Sum(string name) => samples.Where(s => s.Name == name).Sum(s => s.Value);

    public sealed record Sample(string Name, string Labels, double Value);
}

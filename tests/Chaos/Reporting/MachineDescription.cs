using System.Globalization;

namespace UserEvents.Orleans.Chaos.Reporting;

/// <summary>"2 cores, Intel(R) ... , 7.8 GiB, Linux ...": what the results were measured on.</summary>
public static class MachineDescription
{
    public static string Read()
    {
        var model = ReadField("/proc/cpuinfo", "model name") ?? "unknown CPU";
        var memoryKb = ReadField("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var memory = long.TryParse(memoryKb, NumberStyles.None, CultureInfo.InvariantCulture, out var kb)
            ? string.Create(CultureInfo.InvariantCulture, $"{kb / 1048576.0:F1} GiB")
            : "unknown memory";
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {model}, {memory}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
    }

    private static string? ReadField(string path, string field)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

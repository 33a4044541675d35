using System.Globalization;

namespace UserEvents.Orleans.Testing;

/// <summary>A process's resident memory from /proc/PID/status: VmHWM (peak since start, kept by the kernel) and VmRSS (now).</summary>
public sealed record ProcessMemory(long PeakResidentBytes, long ResidentBytes)
{
    /// <summary>Reads /proc/<paramref name="processId"/>/status; null when the process is gone or the fields are missing.</summary>
    public static ProcessMemory? Read(int processId)
    {
        string[] status;
        try
        {
            status = File.ReadAllLines($"/proc/{processId}/status");
        }
        catch (IOException)
        {
            return null;
        }

        var peak = Kilobytes(status, "VmHWM:");
        var resident = Kilobytes(status, "VmRSS:");
        return peak is null || resident is null ? null : new ProcessMemory(peak.Value * 1024, resident.Value * 1024);
    }

    private static long? Kilobytes(string[] status, string field)
    {
        var line = status.FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var value = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return long.Parse(value, CultureInfo.InvariantCulture);
    }
}

using System.Diagnostics;
using Npgsql;

namespace UserEvents.Orleans.Tests.OrleansAdoNet.Support;

/// <summary>Runs a script file the way an operator would: <c>psql -v ON_ERROR_STOP=1 -f file</c>.</summary>
public static class Psql
{
    public static async Task RunFileAsync(string connectionString, string path)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("psql")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-X", "-q", "-v", "ON_ERROR_STOP=1",
                     "-h", target.Host!, "-p", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-U", target.Username!, "-d", target.Database!, "-f", path,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PGPASSWORD"] = target.Password;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"psql -f {Path.GetFileName(path)} exited {process.ExitCode}: {await errors}{await output}");
        }
    }
}

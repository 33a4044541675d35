namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>How a finished process ended and what it wrote.</summary>
public sealed record ProcessResult(int ExitCode, byte[] StandardOutputBytes, string StandardError, TimeSpan Elapsed)
{
    public string StandardOutput => System.Text.Encoding.UTF8.GetString(StandardOutputBytes);
}

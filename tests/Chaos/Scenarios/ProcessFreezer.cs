using System.Diagnostics;
using System.Globalization;

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>SIGSTOP and SIGCONT (through kill(1)): a process that stops without closing anything, as a paused VM does.</summary>
internal static class ProcessFreezer
{
    public static void Freeze(int processId) => Send(processId, "-STOP");

    public static void Thaw(int processId) => Send(processId, "-CONT");

    private static void Send(int processId, string signal)
    {
        using var kill = Process.Start("kill", [signal, processId.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {processId} exited with {kill.ExitCode}");
        }
    }
}

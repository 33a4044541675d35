using System.ComponentModel;
using System.Runtime.InteropServices;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>Sends POSIX signals to other processes (System.Diagnostics.Process can only kill).</summary>
public static class PosixSignals
{
    private const int SIGTERM = 15;

    /// <summary>Asks a process to stop, as <c>kill -TERM</c> does.</summary>
    public static void Terminate(int processId)
    {
        if (Kill(processId, SIGTERM) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({processId}, SIGTERM) failed");
        }
    }

    // DllImport rather than LibraryImport: blittable arguments, and no AllowUnsafeBlocks needed in the test project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int processId, int signal);
}

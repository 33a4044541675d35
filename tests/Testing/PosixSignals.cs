using System.ComponentModel;
using System.Runtime.InteropServices;

namespace UserEvents.Orleans.Testing;

/// <summary>Sends POSIX signals (Linux numbers) to processes this program started; System.Diagnostics.Process can only kill.</summary>
public static class PosixSignals
{
    private const int SIGTERM = 15;
    private const int SIGCONT = 18;
    private const int SIGSTOP = 19;

    /// <summary>Asks a process to stop, as <c>kill -TERM</c> does.</summary>
    public static void Terminate(int processId) => Send(processId, SIGTERM, nameof(SIGTERM));

    /// <summary>Freezes a process without closing anything (<c>kill -STOP</c>), as a paused VM looks to its peers.</summary>
    public static void Freeze(int processId) => Send(processId, SIGSTOP, nameof(SIGSTOP));

    /// <summary>Lets a frozen process run on (<c>kill -CONT</c>).</summary>
    public static void Thaw(int processId) => Send(processId, SIGCONT, nameof(SIGCONT));

    private static void Send(int processId, int signal, string name)
    {
        if (Kill(processId, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({processId}, {name}) failed");
        }
    }

    // DllImport rather than LibraryImport: blittable arguments, and no AllowUnsafeBlocks needed.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int processId, int signal);
}

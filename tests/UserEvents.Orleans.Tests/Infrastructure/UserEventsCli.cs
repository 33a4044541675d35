namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>The built <c>user-events</c> command line (src/Cli), run as a process.</summary>
public static class UserEventsCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string Dll => RepositoryPaths.ProgramDll("Cli", "user-events");

    /// <summary>Runs it with <paramref name="arguments"/>; <paramref name="environment"/> is added to this process's environment.</summary>
    public static Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. arguments], Timeout, environment: environment);
}

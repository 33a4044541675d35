using System.Globalization;
using UserEvents.Orleans.Fuzz;

// Usage: UserEvents.Orleans.Fuzz [--inputs N] [--seed S] [--threads T]; exit 0 when no input made the decoder fail, 1 otherwise, 2 on bad arguments.
long inputs = 10_000_000;
var seed = Environment.TickCount;
var threads = Environment.ProcessorCount;
for (var i = 0; i < args.Length; i++)
{
    var ok = i + 1 < args.Length && args[i] switch
    {
        "--inputs" => long.TryParse(args[++i], CultureInfo.InvariantCulture, out inputs) && inputs > 0,
        "--seed" => int.TryParse(args[++i], CultureInfo.InvariantCulture, out seed),
        "--threads" => int.TryParse(args[++i], CultureInfo.InvariantCulture, out threads) && threads > 0,
        _ => false,
    };
    if (!ok)
    {
        Console.Error.WriteLine($"bad argument '{args[i]}'; usage: --inputs N (> 0) --seed S --threads T (> 0)");
        return 2;
    }
}

Console.WriteLine($"fuzzing the decoder: {inputs:N0} inputs, seed {seed}, {threads} threads");
var result = DecoderFuzzer.Run(inputs, seed, threads);
var rate = result.Inputs / Math.Max(result.Elapsed.TotalSeconds, 1e-9);
Console.WriteLine(
    $"{result.Inputs:N0} inputs in {result.Elapsed.TotalSeconds:F1} s ({rate:N0}/s): {result.Events:N0} events, {result.DeadLetters:N0} dead letters, {result.Exceptions} exceptions");
if (result.Failure is not null)
{
    Console.WriteLine($"FAILED: {result.Failure}");
    return 1;
}

return 0;

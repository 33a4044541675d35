using UserEvents.Orleans.Fuzz;

namespace UserEvents.Orleans.Tests.Decoding;

/// <summary>The fuzz command's loop (scripts/fuzz.sh), in-process and short: 100,000 inputs for each of two fixed seeds.</summary>
[Trait("Category", "Unit")]
public sealed class DecoderFuzzTests
{
    [Theory]
    [InlineData(20261201)]
    [InlineData(7)]
    public void A_hundred_thousand_generated_records_each_decode_to_one_event_or_one_dead_letter(int seed)
    {
        var result = DecoderFuzzer.Run(inputs: 100_000, seed, threads: Environment.ProcessorCount);

        Assert.Null(result.Failure);
        Assert.Equal(100_000, result.Inputs);
        Assert.Equal(0, result.Exceptions);
        Assert.Equal(result.Inputs, result.Events + result.DeadLetters);
        Assert.InRange(result.Events, 10_000, 90_000);
    }
}

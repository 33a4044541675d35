using Orleans;
using Orleans.Runtime;

namespace OrleansKafka.Streaming.Balancing;

/// <summary>Stops the silo at start when the balancer's settings cannot work, one line per bad setting.</summary>
internal sealed class EvenSpreadBalancerOptionsValidator(EvenSpreadBalancerOptions options, string providerName) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var errors = Validate(options).ToArray();
        if (errors.Length > 0)
        {
            throw new OrleansConfigurationException($"Queue balancer of stream provider '{providerName}':{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        }
    }

    public static IEnumerable<string> Validate(EvenSpreadBalancerOptions options)
    {
        if (options.RefreshPeriod <= TimeSpan.Zero)
        {
            yield return $"{nameof(EvenSpreadBalancerOptions.RefreshPeriod)} is {options.RefreshPeriod}; it must be positive (default 1 s)";
        }

        if (options.StoreTimeout <= TimeSpan.Zero)
        {
            yield return $"{nameof(EvenSpreadBalancerOptions.StoreTimeout)} is {options.StoreTimeout}; it must be positive (default 10 s)";
        }
    }
}

using Microsoft.Extensions.Options;
using Orleans.Runtime;
using UserEvents.Orleans.Postgres.Events;

namespace UserEvents.Orleans.Grains.Writing;

/// <summary>Stops the silo at start when the bounds of the writer's PostgreSQL transactions are invalid.</summary>
internal sealed class PostgresFlushOptionsValidator(IOptions<PostgresFlushOptions> options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        foreach (var error in options.Value.Validate())
        {
            throw new OrleansConfigurationException($"Writer: {error}");
        }
    }
}

using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace UserEvents.Orleans.Grains.Writing;

/// <summary>Stops the silo at start when the writer's options are invalid.</summary>
internal sealed class GroupCommitOptionsValidator(IOptions<GroupCommitOptions> options) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        foreach (var error in options.Value.Validate())
        {
            throw new OrleansConfigurationException($"Writer: {error}");
        }
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>Healthy while this silo is Active in the Orleans cluster's membership (not while joining or shutting down).</summary>
internal sealed class OrleansSiloHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(silo.SiloAddress);
        var active = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        var description = $"silo {silo.SiloAddress.ToParsableString()} is {status} in cluster {silo.ClusterId} ({active} active silo(s))";
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy(description)
            : new HealthCheckResult(context.Registration.FailureStatus, description));
    }
}

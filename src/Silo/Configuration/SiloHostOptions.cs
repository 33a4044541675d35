using System.ComponentModel.DataAnnotations;
using System.Net;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>The silo's own settings (ports, schema migration, cache, readiness grace): their defaults and ranges.</summary>
public sealed class SiloHostOptions
{
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos use to reach this one, and the one the silo and gateway ports listen on.</summary>
    public IPAddress AdvertisedIp { get; set; } = IPAddress.Loopback;

    /// <summary>Advertise the host's first IPv4 instead of <see cref="AdvertisedIp"/> (a container's address is known only when it runs).</summary>
    public bool AdvertiseHostAddress { get; set; }

    /// <summary>Listen on every address (behind a NAT that advertises an address the host does not have); false: on <see cref="AdvertisedIp"/> only.</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>True when the silo and gateway ports accept connections from other machines: then mutual TLS is required.</summary>
    public bool ReachableFromOtherMachines => ListenOnAnyAddress || AdvertiseHostAddress || !IPAddress.IsLoopback(AdvertisedIp);

    /// <summary>Apply the schema of <c>sql/</c> at start.</summary>
    public bool Migrate { get; set; }

    /// <summary>Batches Orleans caches per partition before it stops reading.</summary>
    [Range(10, 100_000)]
    public int StreamCacheSize { get; set; } = 64;

    /// <summary>How long a partition's receiver may take to start before /health/ready says it is not read.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReceiverStartGrace { get; set; } = TimeSpan.FromSeconds(30);
}

using System.ComponentModel.DataAnnotations;
using System.Net;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>Where the silo's HTTP endpoint listens and the token it asks for: defaults and ranges.</summary>
public sealed class HttpEndpointOptions
{
    /// <summary>Shorter tokens are refused: they can be guessed.</summary>
    public const int MinimumAuthTokenLength = 16;

    [Range(1, 65535)]
    public int Port { get; set; } = 8080;

    /// <summary>The address the endpoint listens on; anything but a loopback address needs <see cref="AuthToken"/>.</summary>
    public IPAddress Bind { get; set; } = IPAddress.Loopback;

    /// <summary>The token every request but <c>/health/*</c> must carry; null: no authentication (loopback only).</summary>
    [global::Orleans.Redact]
    public string? AuthToken { get; set; }

    /// <summary>True when <see cref="Bind"/> accepts connections from other machines (anything but a loopback address).</summary>
    public bool ReachableFromOtherMachines => !IPAddress.IsLoopback(Bind);
}

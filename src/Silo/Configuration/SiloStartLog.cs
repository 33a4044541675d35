namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>What the silo says once at start: where it listens and every setting in effect (secrets redacted).</summary>
internal static partial class SiloStartLog
{
    public static void Starting(ILogger logger, SiloSettings settings)
    {
        LogStarting(logger, settings.Cluster.ClusterId, settings.Http.Bind.ToString(), settings.Http.Port, settings.Http.AuthToken is not null);
        LogEffectiveSettings(logger, Format(settings.Effective));
    }

    /// <summary>NAME=value pairs, in the order of the settings' tables.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> settings) => string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"));

    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "Silo {Cluster} starting: http://{HttpBind}:{HttpPort}/ (ingestion page; also /dashboard, /health/ready, /metrics; token required: {TokenRequired})")]
    private static partial void LogStarting(ILogger logger, string cluster, string httpBind, int httpPort, bool tokenRequired);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Settings in effect: {Settings}")]
    private static partial void LogEffectiveSettings(ILogger logger, string settings);
}

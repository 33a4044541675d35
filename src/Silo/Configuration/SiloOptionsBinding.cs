using UserEvents.Orleans.Postgres.Configuration;
using Orleans.Configuration;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>
/// Binds the options Orleans and the pipeline resolve from the same configuration and maps that <see cref="SiloSettings.Load(IConfiguration)"/>
/// validated before the host started (so the errors of this second binding are known to be none).
/// </summary>
internal static class SiloOptionsBinding
{
    public static void Bind<TOptions>(EnvironmentMap<TOptions> map, IConfiguration configuration, TOptions options)
        where TOptions : class => map.Bind(configuration, options, new List<string>());

    /// <summary>The stream provider's options: the shared Kafka variables, then the receivers' own.</summary>
    public static void Kafka(IConfiguration configuration, KafkaStreamOptions options)
    {
        options.Topic = UserEventsEnvironment.DefaultTopic;
        Bind(UserEventsEnvironment.Kafka, configuration, options);
        Bind(SiloEnvironment.KafkaReceivers, configuration, options);
    }
}

namespace UserEvents.Orleans.Chaos.Scenarios;

/// <summary>One fault injected under load, measured and reconciled.</summary>
public interface IChaosScenario
{
    int Number { get; }

    string Name { get; }

    Task<ScenarioResult> RunAsync(ChaosContext context, CancellationToken cancellationToken);
}

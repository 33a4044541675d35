namespace UserEvents.Orleans.Chaos.Rebalancing;

/// <summary>The membership change a trial makes: a silo joins, stops gracefully (SIGTERM) or is killed (SIGKILL).</summary>
public enum MoveKind
{
    Join,
    GracefulStop,
    Kill,
}

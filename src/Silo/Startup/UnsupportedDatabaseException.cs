namespace UserEvents.Orleans.Silo.Startup;

/// <summary>The database cannot hold what the pipeline stores; the message is the one line the silo prints before it exits.</summary>
public sealed class UnsupportedDatabaseException(string message) : Exception(message);

namespace UserEvents.Orleans.Silo.Startup;

/// <summary>The database lacks this version's schema (or carries a newer one); the message says what to do. The silo exits with code 2.</summary>
public sealed class SchemaNotReadyException(string message) : Exception(message);

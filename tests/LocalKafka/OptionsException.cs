namespace UserEvents.Orleans.LocalKafka;

/// <summary>A command-line option or environment variable that cannot be used; the message names it.</summary>
internal sealed class OptionsException(string message) : Exception(message);

namespace UserEvents.Orleans.LocalKafka; internal static class Program { private static int Main() => 0; }

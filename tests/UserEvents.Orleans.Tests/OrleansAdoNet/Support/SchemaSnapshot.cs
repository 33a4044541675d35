using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.OrleansAdoNet.Support;

/// <summary>
/// A text picture of what the scripts define in schema public: columns, constraints, indexes, function
/// bodies and the query catalog. DbUp's journal table is left out so both ways of applying compare equal.
/// </summary>
public static class SchemaSnapshot
{
    private const string Sql = """
        SELECT concat_ws(E'\n',
          (SELECT string_agg(format('column %s.%s %s null=%s default=%s', table_name, column_name, data_type, is_nullable, column_default), E'\n'
                             ORDER BY table_name, column_name)
           FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schemaversions'),
          (SELECT string_agg(format('constraint %s %s', conname, pg_get_constraintdef(oid)), E'\n' ORDER BY conname)
           FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> 'schemaversions'),
          (SELECT string_agg(format('index %s', indexdef), E'\n' ORDER BY indexname)
           FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'schemaversions'),
          (SELECT string_agg(format('function %s', pg_get_functiondef(p.oid)), E'\n' ORDER BY p.proname)
           FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace),
          (SELECT string_agg(format('query %s = %s', querykey, md5(querytext)), E'\n' ORDER BY querykey) FROM orleansquery))
        """;

    public static Task<string> TakeAsync(string connectionString) => PostgresServer.ScalarAsync<string>(connectionString, Sql);

    /// <summary>The row versions (xmin) of the catalog: they change whenever a row is rewritten, even with equal content.</summary>
    public static Task<string> CatalogRowVersionsAsync(string connectionString) =>
        PostgresServer.ScalarAsync<string>(connectionString, "SELECT string_agg(querykey || ':' || xmin::text, ',' ORDER BY querykey) FROM orleansquery");
}

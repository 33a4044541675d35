using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq.Expressions;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// Which documented variable (the README's names: <c>KAFKA_BROKER</c>, <c>WRITER_FLUSH_INTERVAL_MS</c>...) sets which
/// property of <typeparamref name="TOptions"/>, read from an <see cref="IConfiguration"/> (the process environment in the
/// silo and the CLI). Defaults are the options class's initial values and ranges its <see cref="RangeAttribute"/>s, so
/// the map holds only names and units. Every wrong value becomes one sentence that names the variable.
/// </summary>
/// <typeparam name="TOptions">The options class the variables set.</typeparam>
public sealed partial class EnvironmentMap<TOptions>
    where TOptions : class
{
    private readonly List<EnvironmentSetting> settings = [];

    /// <summary>The variables of this map (a secret's file variable included), in the order they were added.</summary>
    public IEnumerable<string> Names => settings.SelectMany(s => s.SecretFileName is { } file ? [s.Name, file] : new[] { s.Name });

    /// <summary>A variable holding the property's value (text, whole number, true/false, IP address).</summary>
    public EnvironmentMap<TOptions> Add<TValue>(string name, Expression<Func<TOptions, TValue>> property) =>
        Added(new EnvironmentSetting(name, PropertyOf(property), SettingUnit.None));

    /// <summary>A variable holding a whole number in <paramref name="unit"/> for a <see cref="TimeSpan"/> or byte-count property.</summary>
    public EnvironmentMap<TOptions> Add<TValue>(string name, Expression<Func<TOptions, TValue>> property, SettingUnit unit) =>
        Added(new EnvironmentSetting(name, PropertyOf(property), unit));

    /// <summary>A variable holding one of the names of <paramref name="choices"/> (case-insensitive).</summary>
    public EnvironmentMap<TOptions> Choice<TValue>(string name, Expression<Func<TOptions, TValue>> property, IReadOnlyDictionary<string, TValue> choices)
        where TValue : notnull =>
        Added(new EnvironmentSetting(name, PropertyOf(property), SettingUnit.None)
        {
            Choices = choices.ToDictionary(c => c.Key, c => (object)c.Value, StringComparer.OrdinalIgnoreCase),
        });

    /// <summary>
    /// A secret held by variable <paramref name="name"/> or by the file that <paramref name="fileName"/> names (trailing
    /// newlines dropped), never both; never shown in messages or in <see cref="Describe"/>.
    /// </summary>
    public EnvironmentMap<TOptions> Secret(string name, string fileName, Expression<Func<TOptions, string?>> property) =>
        Added(new EnvironmentSetting(name, PropertyOf(property), SettingUnit.None) { SecretFileName = fileName });

    /// <summary>A variable naming a file that must exist.</summary>
    public EnvironmentMap<TOptions> ExistingFile(string name, Expression<Func<TOptions, string?>> property) =>
        Added(new EnvironmentSetting(name, PropertyOf(property), SettingUnit.None) { MustBeFile = true });

    /// <summary>
    /// Every variable starting with <paramref name="prefix"/> goes into a dictionary, its key lower-cased with <c>_</c> as
    /// <c>.</c> (<c>KAFKA_CLIENT_SASL_USERNAME</c> → <c>sasl.username</c>, for librdkafka). Values whose key names a
    /// password, secret or private key are redacted in <see cref="Describe"/>.
    /// </summary>
    public EnvironmentMap<TOptions> Prefixed(string prefix, Expression<Func<TOptions, IDictionary<string, string>>> property) =>
        Added(new EnvironmentSetting(prefix + "*", PropertyOf(property), SettingUnit.None) { Prefix = prefix });

    /// <summary>Sets the properties of <paramref name="options"/> whose variables are set; adds one sentence per wrong variable to <paramref name="errors"/>.</summary>
    public TOptions Bind(IConfiguration configuration, TOptions options, ICollection<string> errors)
    {
        foreach (var setting in settings)
        {
            setting.Bind(configuration, options, errors);
        }

        return options;
    }

    /// <summary>
    /// A problem an options validator found, with every property name of this map replaced by its variable's name
    /// ("Topic 'a b' is not a legal Kafka topic name" → "KAFKA_TOPIC 'a b' is not ...").
    /// </summary>
    public string Rename(string problem)
    {
        foreach (var setting in settings.Where(s => s.Prefix is null))
        {
            problem = Regex.Replace(problem, $@"\b{setting.Property.Name}\b", setting.Name, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        return problem;
    }

    /// <summary>Each variable with the value in effect (set or default), in the variable's unit; secrets shown as <c>REDACTED</c>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Describe(TOptions options) => settings.SelectMany(s => s.Describe(options));

    private EnvironmentMap<TOptions> Added(EnvironmentSetting setting)
    {
        settings.Add(setting);
        return this;
    }

    private static PropertyInfo PropertyOf<TValue>(Expression<Func<TOptions, TValue>> property) =>
        (property.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : property.Body) is MemberExpression { Member: PropertyInfo info }
            ? info
            : throw new ArgumentException($"'{property}' does not name a property of {typeof(TOptions).Name}", nameof(property));
}

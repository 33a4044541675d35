using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>The unit of a variable's whole number when the property holds a <see cref="TimeSpan"/> or a byte count.</summary>
public enum SettingUnit
{
    None,
    Milliseconds,
    Seconds,
    Mebibytes,
}

/// <summary>One variable of an <see cref="EnvironmentMap{TOptions}"/>: how its text becomes the property's value, and back.</summary>
internal sealed class EnvironmentSetting(string name, PropertyInfo property, SettingUnit unit)
{
    private const string Redacted = "REDACTED";
    private static readonly string[] SecretKeyParts = ["password", "secret", "private", ".pem", "oauthbearer.config"];

    public string Name { get; } = name;

    public PropertyInfo Property { get; } = property;

    public IReadOnlyDictionary<string, object>? Choices { get; init; }

    public string? SecretFileName { get; init; }

    public bool MustBeFile { get; init; }

    public string? Prefix { get; init; }

    private Type ValueType => Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;

    private bool IsSecret => SecretFileName is not null || Property.GetCustomAttribute<global::Orleans.RedactAttribute>() is not null;

    public void Bind(IConfiguration configuration, object options, ICollection<string> errors)
    {
        if (Prefix is not null)
        {
            BindPrefixed(configuration, options);
            return;
        }

        var raw = SecretFileName is null ? configuration[Name] : ReadSecret(configuration, errors);
        if (raw is null)
        {
            return;
        }

        if (Parse(raw, out var problem) is { } value)
        {
            Property.SetValue(options, value);
        }
        else
        {
            errors.Add(problem!);
        }
    }

    public IEnumerable<KeyValuePair<string, string>> Describe(object options)
    {
        var value = Property.GetValue(options);
        if (Prefix is not null)
        {
            return ((IDictionary<string, string>)value!).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => KeyValuePair.Create(
                Prefix + e.Key.Replace('.', '_').ToUpperInvariant(),
                SecretKeyParts.Any(part => e.Key.Contains(part, StringComparison.OrdinalIgnoreCase)) ? Redacted : e.Value));
        }

        return [KeyValuePair.Create(Name, value is null ? "(none)" : IsSecret ? Redacted : Format(value))];
    }

    private object? Parse(string raw, out string? problem)
    {
        problem = null;
        var text = raw.Trim();
        if (Choices is not null)
        {
            if (Choices.TryGetValue(text, out var choice))
            {
                return choice;
            }

            problem = $"{Name}='{text.ToLowerInvariant()}' must be one of: {string.Join(", ", Choices.Keys)}";
            return null;
        }

        if (SecretFileName is not null)
        {
            return raw;
        }

        if (ValueType == typeof(string))
        {
            if (text.Length == 0)
            {
                problem = $"{Name} is set but empty (unset it to use the default '{Property.GetValue(Activator.CreateInstance(Property.DeclaringType!))}')";
                return null;
            }

            if (MustBeFile && !File.Exists(text))
            {
                problem = $"{Name}='{raw}' is not a file that exists";
                return null;
            }

            return text;
        }

        if (ValueType == typeof(bool))
        {
            switch (text.ToLowerInvariant())
            {
                case "true" or "1" or "yes":
                    return true;
                case "false" or "0" or "no":
                    return false;
                default:
                    problem = $"{Name}='{raw}' must be true or false";
                    return null;
            }
        }

        if (ValueType == typeof(IPAddress))
        {
            if (IPAddress.TryParse(text, out var address))
            {
                return address;
            }

            problem = $"{Name}='{raw}' is not an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only)";
            return null;
        }

        var (min, max) = RangeInUnit();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return FromUnit(number);
        }

        problem = min == long.MinValue && max == long.MaxValue
            ? $"{Name}='{raw}' is not a whole number"
            : $"{Name}='{raw}' is not a whole number from {min} to {max}";
        return null;
    }

    private object FromUnit(long number) => unit switch
    {
        SettingUnit.Milliseconds => TimeSpan.FromMilliseconds(number),
        SettingUnit.Seconds => TimeSpan.FromSeconds(number),
        SettingUnit.Mebibytes => number * 1024 * 1024,
        _ when ValueType == typeof(int) => (int)number,
        _ => number,
    };

    private long ToUnit(object value) => value switch
    {
        TimeSpan span when unit == SettingUnit.Seconds => (long)span.TotalSeconds,
        TimeSpan span => (long)span.TotalMilliseconds,
        _ when unit == SettingUnit.Mebibytes => Convert.ToInt64(value, CultureInfo.InvariantCulture) / (1024 * 1024),
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    /// <summary>The property's <see cref="RangeAttribute"/> in the variable's unit (the whole type's range without one).</summary>
    private (long Min, long Max) RangeInUnit()
    {
        var typeRange = ValueType == typeof(int) ? (int.MinValue, int.MaxValue) : (long.MinValue, long.MaxValue);
        if (Property.GetCustomAttribute<RangeAttribute>() is not { } range)
        {
            return typeRange;
        }

        return ValueType == typeof(TimeSpan)
            ? (ToUnit(TimeSpan.Parse((string)range.Minimum, CultureInfo.InvariantCulture)), ToUnit(TimeSpan.Parse((string)range.Maximum, CultureInfo.InvariantCulture)))
            : (ToUnit(Convert.ToInt64(range.Minimum, CultureInfo.InvariantCulture)), ToUnit(Convert.ToInt64(range.Maximum, CultureInfo.InvariantCulture)));
    }

    private string Format(object value)
    {
        if (Choices?.FirstOrDefault(c => Equals(c.Value, value)).Key is { } choice)
        {
            return choice;
        }

        return value switch
        {
            bool flag => flag ? "true" : "false",
            string or IPAddress => value.ToString()!,
            _ when unit != SettingUnit.None || value is int or long => ToUnit(value).ToString(CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
        };
    }

    private string? ReadSecret(IConfiguration configuration, ICollection<string> errors)
    {
        var value = configuration[Name];
        var file = configuration[SecretFileName!];
        if (file is null)
        {
            return value;
        }

        if (value is not null)
        {
            errors.Add($"{Name} and {SecretFileName} are both set: set only one");
            return null;
        }

        try
        {
            return File.ReadAllText(file).TrimEnd('\r', '\n');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            errors.Add($"{SecretFileName}='{file}' cannot be read: {exception.Message}");
            return null;
        }
    }

    private void BindPrefixed(IConfiguration configuration, object options)
    {
        var target = (IDictionary<string, string>)Property.GetValue(options)!;
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is not null && key.StartsWith(Prefix!, StringComparison.OrdinalIgnoreCase) && !key.Contains(':', StringComparison.Ordinal))
            {
                target[key[Prefix!.Length..].ToLowerInvariant().Replace('_', '.')] = value;
            }
        }
    }
}

using System.Globalization;
using System.Net;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// Reads settings from environment variables (an unset variable takes its default) and collects one sentence per wrong
/// variable, naming it, so a program can report them all at once. Shared by the silo and the CLI, so both read a
/// variable the same way.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The methods are named after the kind of value they read (String, Int, Bool), as the silo's settings call them.")]
public sealed class EnvironmentReader(IReadOnlyDictionary<string, string?> variables)
{
    public List<string> Errors { get; } = [];

    public string String(string name, string fallback)
    {
        var value = Raw(name);
        if (value is null)
        {
            return fallback;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            Errors.Add($"{name} is set but empty (unset it to use the default '{fallback}')");
            return fallback;
        }

        return value.Trim();
    }

    /// <summary>
    /// A secret from <paramref name="name"/> or from the file named by <paramref name="fileName"/> (trailing newlines
    /// removed), never both. Error messages name the variables, never the value.
    /// </summary>
    public string? SecretOrNull(string name, string fileName)
    {
        var value = Raw(name);
        var file = Raw(fileName);
        if (file is null)
        {
            return value;
        }

        if (value is not null)
        {
            Errors.Add($"{name} and {fileName} are both set: set only one");
            return value;
        }

        try
        {
            return File.ReadAllText(file).TrimEnd('\r', '\n');
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Errors.Add($"{fileName}='{file}' cannot be read: {exception.Message}");
            return null;
        }
    }

    public string? ReadableFileOrNull(string name)
    {
        var value = Raw(name);
        if (value is null || File.Exists(value))
        {
            return value;
        }

        Errors.Add($"{name}='{value}' is not a file that exists");
        return null;
    }

    public IPAddress Ip(string name, IPAddress fallback)
    {
        var value = Raw(name);
        if (value is null)
        {
            return fallback;
        }

        if (IPAddress.TryParse(value.Trim(), out var address))
        {
            return address;
        }

        Errors.Add($"{name}='{value}' is not an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only)");
        return fallback;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var value = Raw(name);
        if (value is null)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        Errors.Add($"{name}='{value}' is not a whole number from {min} to {max}");
        return fallback;
    }

    public bool Bool(string name, bool fallback)
    {
        var value = Raw(name);
        if (value is null)
        {
            return fallback;
        }

        switch (value.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes":
                return true;
            case "false" or "0" or "no":
                return false;
            default:
                Errors.Add($"{name}='{value}' must be true or false");
                return fallback;
        }
    }

    public T Choice<T>(string name, string fallback, Dictionary<string, T> choices)
    {
        var value = Raw(name)?.Trim().ToLowerInvariant() ?? fallback;
        if (choices.TryGetValue(value, out var choice))
        {
            return choice;
        }

        Errors.Add($"{name}='{value}' must be one of: {string.Join(", ", choices.Keys)}");
        return choices[fallback];
    }

    public string? IpOrNull(string name)
    {
        var value = Raw(name);
        if (value is null || System.Net.IPAddress.TryParse(value, out _))
        {
            return value;
        }

        Errors.Add($"{name}='{value}' is not an IP address");
        return null;
    }

    private string? Raw(string name) => variables.TryGetValue(name, out var value) ? value : null;
}

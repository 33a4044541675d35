using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// Checks the <see cref="RangeAttribute"/>s of an options class: the one place where a setting's range is written, read
/// by the options' validators and by the environment binding (which phrases the range in the variable's unit). The Kafka
/// provider keeps an internal twin for its own options: a package does not export a general options helper.
/// </summary>
public static class OptionRanges
{
    /// <summary>One sentence per property of <paramref name="options"/> outside its range, starting with the property's name.</summary>
    public static IEnumerable<string> Problems(object options)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<RangeAttribute>() is { } range && !range.IsValid(property.GetValue(options)))
            {
                yield return $"{property.Name} must be between {range.Minimum} and {range.Maximum}, not {property.GetValue(options)}";
            }
        }
    }
}

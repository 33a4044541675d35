namespace UserEvents.Orleans.Grains.Decoding;

/// <summary>
/// Checks the <c>\uXXXX</c> escapes of a JSON string's raw text before System.Text.Json unescapes it: JSON's grammar allows
/// any four hex digits, but an unpaired surrogate is not Unicode and <c>Utf8JsonReader</c>'s unescaping throws on it
/// (<c>InvalidOperationException</c>), so such text must be caught here and rejected or ignored.
/// </summary>
internal static class JsonStringEscapes
{
    /// <summary>The length of one <c>\uXXXX</c> escape.</summary>
    private const int EscapeLength = 6;

    /// <summary>
    /// True when every escape in <paramref name="raw"/> (a string's text between its quotes, as <c>ValueSpan</c> gives it)
    /// decodes to valid UTF-16; false with the index of the first unpaired surrogate escape otherwise.
    /// </summary>
    public static bool AreValidUtf16(ReadOnlySpan<byte> raw, out int badEscape)
    {
        badEscape = -1;
        var i = 0;
        while (true)
        {
            var next = raw[i..].IndexOf((byte)'\\');
            if (next < 0)
            {
                return true;
            }

            i += next;
            if (i + 1 >= raw.Length)
            {
                badEscape = i;
                return false;
            }

            if (raw[i + 1] != (byte)'u')
            {
                i += 2;
                continue;
            }

            var unit = CodeUnit(raw, i);
            if (unit < 0 || char.IsLowSurrogate((char)unit))
            {
                badEscape = i;
                return false;
            }

            if (!char.IsHighSurrogate((char)unit))
            {
                i += EscapeLength;
                continue;
            }

            var low = i + EscapeLength + 1 < raw.Length && raw[i + EscapeLength] == (byte)'\\' && raw[i + EscapeLength + 1] == (byte)'u'
                ? CodeUnit(raw, i + EscapeLength)
                : -1;
            if (low < 0 || !char.IsLowSurrogate((char)low))
            {
                badEscape = i;
                return false;
            }

            i += 2 * EscapeLength;
        }
    }

    /// <summary>The escape at <paramref name="index"/> as text, for a reason (<c>\ud800</c>).</summary>
    public static string EscapeAt(ReadOnlySpan<byte> raw, int index) =>
        System.Text.Encoding.ASCII.GetString(raw.Slice(index, Math.Min(EscapeLength, raw.Length - index)));

    /// <summary>The UTF-16 code unit of the <c>\uXXXX</c> escape at <paramref name="index"/>, or -1 when it is not one.</summary>
    private static int CodeUnit(ReadOnlySpan<byte> raw, int index)
    {
        if (index + EscapeLength > raw.Length)
        {
            return -1;
        }

        var unit = 0;
        foreach (var digit in raw.Slice(index + 2, 4))
        {
            var value = digit switch
            {
                >= (byte)'0' and <= (byte)'9' => digit - '0',
                >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
                _ => -1,
            };
            if (value < 0)
            {
                return -1;
            }

            unit = (unit << 4) | value;
        }

        return unit;
    }
}

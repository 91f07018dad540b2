using System.Globalization;

namespace PolisClustering.Engine.Loading;

/// <summary>
/// Maps id text to the index <see cref="Model.ConversationInput"/> gave it, so each distinct id is allocated and
/// interned once while a vote file repeats it thousands of times. Polis ids are small integers: those are found by
/// value in an array, several times cheaper than hashing the text.
/// </summary>
internal sealed class IdIndex
{
    private const int MaxByNumber = 1 << 21;

    private readonly Func<string, int> _intern;
    private readonly Dictionary<string, int> _byText = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int[] _byNumber = new int[1024]; // index + 1; 0 = not seen yet

    public IdIndex(Func<string, int> intern)
    {
        _intern = intern;
        _lookup = _byText.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Get(ReadOnlySpan<char> text)
    {
        if (TryCanonicalNumber(text, out var number))
        {
            return ByNumber(number, text);
        }

        if (!_lookup.TryGetValue(text, out var index))
        {
            var id = text.ToString();
            index = _intern(id);
            _byText.Add(id, index);
        }

        return index;
    }

    public int Get(long number)
    {
        if (number is >= 0 and < MaxByNumber)
        {
            return ByNumber((int)number, default);
        }

        Span<char> buffer = stackalloc char[20];
        number.TryFormat(buffer, out var length, default, CultureInfo.InvariantCulture);
        return Get(buffer[..length]);
    }

    private int ByNumber(int number, ReadOnlySpan<char> text)
    {
        if (number >= _byNumber.Length)
        {
            Array.Resize(ref _byNumber, Math.Min(MaxByNumber, Math.Max(number + 1, _byNumber.Length * 2)));
        }

        ref var slot = ref _byNumber[number];
        if (slot == 0)
        {
            slot = _intern(text.IsEmpty ? number.ToString(CultureInfo.InvariantCulture) : text.ToString()) + 1;
        }

        return slot - 1;
    }

    /// <summary>Digits only, no leading zero (so "007" keeps its own spelling), below <see cref="MaxByNumber"/>.</summary>
    private static bool TryCanonicalNumber(ReadOnlySpan<char> text, out int number)
    {
        number = 0;
        if (text.IsEmpty || text.Length > 7 || (text[0] == '0' && text.Length > 1))
        {
            return false;
        }

        foreach (var c in text)
        {
            var digit = c - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            number = (number * 10) + digit;
        }

        return number < MaxByNumber;
    }
}

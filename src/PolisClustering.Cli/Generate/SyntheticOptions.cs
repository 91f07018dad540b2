namespace PolisClustering.Cli.Generate;

/// <summary>Size and seed of a synthetic conversation. Presets S, M and L are the benchmark sizes.</summary>
internal sealed record SyntheticOptions
{
    public int Participants { get; init; } = 1_000;

    public int Statements { get; init; } = 100;

    /// <summary>Target number of unique (participant, statement) votes; re-votes come on top (~1%).</summary>
    public int Votes { get; init; } = 20_000;

    /// <summary>Planted opinion groups.</summary>
    public int Groups { get; init; } = 3;

    public int Seed { get; init; } = 1;

    public static SyntheticOptions Small { get; } = new() { Participants = 10_000, Statements = 500, Votes = 200_000 };

    public static SyntheticOptions Medium { get; } = new() { Participants = 50_000, Statements = 1_000, Votes = 1_000_000 };

    public static SyntheticOptions Large { get; } = new() { Participants = 200_000, Statements = 2_000, Votes = 5_000_000 };

    /// <summary>The preset for "S", "M" or "L" (case-insensitive); null for anything else.</summary>
    public static SyntheticOptions? Preset(string size) => size.ToUpperInvariant() switch
    {
        "S" => Small,
        "M" => Medium,
        "L" => Large,
        _ => null,
    };
}

namespace PolisClustering.Engine.Model;

/// <summary>A statement (Polis "comment") with the moderation facts the math reads.</summary>
public sealed record Statement(string Id, Moderation Moderation, bool IsMeta, string? Text = null)
{
    /// <summary>Mod-out as Polis computes it: meta or rejected (polis-math.md §1.3; strict moderation is ignored).</summary>
    public bool IsModeratedOut => IsMeta || Moderation == Moderation.Rejected;
}

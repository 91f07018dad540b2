namespace PolisClustering.Engine.Model;

/// <summary>Polis moderation state of a statement (polis-math.md §1.1: -1 rejected, 0 unmoderated, 1 accepted).</summary>
public enum Moderation
{
    Rejected = -1,
    Unmoderated = 0,
    Accepted = 1,
}

namespace PolisClustering.Engine.Clustering;

/// <summary>Base clusters (members are matrix rows), the chosen groups (members are indices into Bases), noise rows.</summary>
internal sealed record GroupLayout(
    List<KCluster> Bases, List<KCluster> Groups, GroupClustering.Selection Selection, string? NoGroupsReason,
    IReadOnlyList<int> Noise);

namespace PolisClustering.Engine.Clustering;

/// <summary>Base clusters (members are matrix rows) and the chosen groups (members are indices into Bases).</summary>
internal sealed record GroupLayout(
    List<KCluster> Bases, List<KCluster> Groups, GroupClustering.Selection Selection, string? NoGroupsReason);

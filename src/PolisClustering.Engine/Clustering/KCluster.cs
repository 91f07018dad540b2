namespace PolisClustering.Engine.Clustering;

/// <summary>A k-means cluster: members are indices into the point arrays, in point order.</summary>
internal sealed class KCluster(int id, List<int> members, double x, double y)
{
    public int Id { get; } = id;
    public List<int> Members { get; } = members;
    public double X { get; set; } = x;
    public double Y { get; set; } = y;
}

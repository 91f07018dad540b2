namespace PolisClustering.Engine.Clustering;

/// <summary>
/// A uniform grid over k-means centers (about one center per cell) for exact nearest-center queries in 2-D: cells are
/// searched ring by ring until every unseen center is provably farther than the second nearest found.
/// </summary>
internal sealed class CenterGrid
{
    private readonly double[] _cx;
    private readonly double[] _cy;
    private readonly int[] _rank;
    private readonly double _minX;
    private readonly double _minY;
    private readonly double _cell;
    private readonly int _gx;
    private readonly int _gy;
    private readonly int[] _cellStart;
    private readonly int[] _items;

    /// <param name="live">The centers to search, as indices into cx and cy.</param>
    /// <param name="rank">Position of each center in the current cluster order; ties go to the higher rank.</param>
    public CenterGrid(double[] cx, double[] cy, int[] live, int[] rank)
    {
        _cx = cx;
        _cy = cy;
        _rank = rank;
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        foreach (var c in live)
        {
            minX = Math.Min(minX, cx[c]);
            maxX = Math.Max(maxX, cx[c]);
            minY = Math.Min(minY, cy[c]);
            maxY = Math.Max(maxY, cy[c]);
        }

        var width = Math.Max(maxX - minX, 1e-12);
        var height = Math.Max(maxY - minY, 1e-12);
        _cell = Math.Max(Math.Sqrt(width * height / Math.Max(live.Length, 1)), Math.Max(width, height) / 64);
        _gx = Math.Clamp((int)(width / _cell) + 1, 1, 64);
        _gy = Math.Clamp((int)(height / _cell) + 1, 1, 64);
        _minX = minX;
        _minY = minY;

        // Counting sort of the centers into cells.
        _cellStart = new int[(_gx * _gy) + 1];
        var cellOf = new int[live.Length];
        for (var i = 0; i < live.Length; i++)
        {
            cellOf[i] = Cell(CellX(cx[live[i]]), CellY(cy[live[i]]));
            _cellStart[cellOf[i] + 1]++;
        }

        for (var i = 0; i < _gx * _gy; i++)
        {
            _cellStart[i + 1] += _cellStart[i];
        }

        var fill = (int[])_cellStart.Clone();
        _items = new int[live.Length];
        for (var i = 0; i < live.Length; i++)
        {
            _items[fill[cellOf[i]]++] = live[i];
        }
    }

    /// <summary>Nearest center (ties to the higher rank), its squared distance, and the second nearest's.</summary>
    public (int Best, double BestD, double SecondD) Nearest(double x, double y)
    {
        var best = -1;
        double bestD = double.PositiveInfinity, secondD = double.PositiveInfinity;
        var px = CellX(x);
        var py = CellY(y);
        var maxRing = Math.Max(_gx, _gy);
        for (var r = 0; r <= maxRing; r++)
        {
            for (var i = Math.Max(0, px - r); i <= Math.Min(_gx - 1, px + r); i++)
            {
                var edgeColumn = i == px - r || i == px + r;
                for (var j = Math.Max(0, py - r); j <= Math.Min(_gy - 1, py + r); j++)
                {
                    if (!edgeColumn && j != py - r && j != py + r)
                    {
                        continue; // inside the ring: seen at a smaller r
                    }

                    var cell = Cell(i, j);
                    for (var k = _cellStart[cell]; k < _cellStart[cell + 1]; k++)
                    {
                        var c = _items[k];
                        var dx = x - _cx[c];
                        var dy = y - _cy[c];
                        var d = (dx * dx) + (dy * dy);
                        if (d < bestD || (d == bestD && _rank[c] > _rank[best]))
                        {
                            secondD = bestD;
                            bestD = d;
                            best = c;
                        }
                        else if (d < secondD)
                        {
                            secondD = d;
                        }
                    }
                }
            }

            // Unseen centers lie beyond a side of the searched square that is not the grid's edge.
            var boundary = double.PositiveInfinity;
            if (px - r > 0)
            {
                boundary = Math.Min(boundary, x - (_minX + ((px - r) * _cell)));
            }

            if (px + r < _gx - 1)
            {
                boundary = Math.Min(boundary, _minX + ((px + r + 1) * _cell) - x);
            }

            if (py - r > 0)
            {
                boundary = Math.Min(boundary, y - (_minY + ((py - r) * _cell)));
            }

            if (py + r < _gy - 1)
            {
                boundary = Math.Min(boundary, _minY + ((py + r + 1) * _cell) - y);
            }

            if (double.IsPositiveInfinity(boundary) || (boundary > 0 && boundary * boundary > secondD * (1 + 1e-12)))
            {
                break;
            }
        }

        return (best, bestD, secondD);
    }

    private int CellX(double x) => Math.Clamp((int)Math.Floor((x - _minX) / _cell), 0, _gx - 1);

    private int CellY(double y) => Math.Clamp((int)Math.Floor((y - _minY) / _cell), 0, _gy - 1);

    private int Cell(int i, int j) => (i * _gy) + j;
}

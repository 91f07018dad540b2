using System.Text.Json;
using PolisClustering.Engine.Tests.Loading;

namespace PolisClustering.Engine.Tests.Cli;

/// <summary>'polis-cluster cluster' as a script sees it: output, exit codes and the files it writes or leaves alone.</summary>
public sealed class ClusterCommandTests
{
    private const string VotesHeader = "timestamp,datetime,comment-id,voter-id,vote\n";

    public static TheoryData<string> OpenDataConversations =>
        ["15-per-hour-seattle", "brexit-consensus", "london.youth.policing", "scoop-hivemind.biodiversity", "vtaiwan.uberx"];

    /// <summary>The fixtures whose blob is whole (50ptpt lacks one participant's votes, see the data README).</summary>
    public static TheoryData<string, int, int> PolisMathFixtures => new()
    {
        { "below-100-ptpts", 3, 3_356 },
        { "150ptpt-3gp-no-strict-no-meta", 3, 4_346 },
    };

    [Fact]
    public void OpenDataConversations_SharedDataFolder_ListsEveryConversation()
    {
        var folders = Directory.GetDirectories(Path.Combine(SharedData.Root, "opendata")).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(OpenDataConversations.Select(row => row.Data).Order(StringComparer.Ordinal), folders);
    }

    [Theory]
    [MemberData(nameof(OpenDataConversations))]
    public void Cluster_OpenDataExport_ExitsZeroWithCountsOfTheCsv(string name)
    {
        var folder = SharedData.OpenData(name);
        var (voters, comments) = CountVotesCsv(Path.Combine(folder, "votes.csv"));

        var run = PolisCli.Ok("cluster", folder, "--quiet");

        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(voters, json.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(comments, json.RootElement.GetProperty("n-cmts").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("math_tick").GetInt32());
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void Cluster_SampleAsSummary_NamesThreeGroupsAndTheirStatements()
    {
        var run = PolisCli.Ok("cluster", RepoPaths.CityPark, "--format", "summary", "--quiet");

        var lines = run.Stdout.Split('\n');
        Assert.Equal("51 participants (51 clustered), 15 statements with votes (1 moderated out), 643 votes", lines[0]);
        Assert.StartsWith("3 opinion groups (polis; silhouette k=2: ", lines[1], StringComparison.Ordinal);
        Assert.Equal(["Group 0: 16 participants", "Group 1: 19 participants", "Group 2: 16 participants"],
            lines.Where(l => l.StartsWith("Group ", StringComparison.Ordinal)));
        Assert.Contains("#3: A skate park would give teenagers somewhere to go in the evenings.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("#1: Turn part of the main lawn into a wildflower meadow for bees and birds.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("88% agree    #12: Every path and bench must work for wheelchairs and strollers.", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("crook", run.Stdout, StringComparison.Ordinal); // the rejected statement is never shown
    }

    [Fact]
    public void Cluster_SampleWithProgress_LogsToStandardErrorOnly()
    {
        var run = PolisCli.Ok("cluster", RepoPaths.CityPark);

        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(51, json.RootElement.GetProperty("n").GetInt32());
        Assert.Contains("[cluster] loaded Polis export", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("646 vote rows (AgreePositive)", run.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("[cluster] 3 groups\n", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_VoteOfTwo_ExitsThreeNamingFileLineAndField()
    {
        using var temp = new TempFolder();
        temp.Write("votes.csv", VotesHeader + "1000,x,0,0,1\n2000,x,0,1,2\n");

        var run = PolisCli.Run("cluster", temp.Path, "--quiet");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("error: votes.csv line 3, field 'vote': '2' is not -1, 0 or 1\n", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Cluster_MissingPath_ExitsFour()
    {
        using var temp = new TempFolder();
        var missing = Path.Combine(temp.Path, "no-such-export");

        var run = PolisCli.Run("cluster", missing, "--quiet");

        Assert.Equal(4, run.ExitCode);
        Assert.Equal($"error: {missing}: no such file or folder\n", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Cluster_MissingStateFile_ExitsFour()
    {
        using var temp = new TempFolder();

        var run = PolisCli.Run("cluster", RepoPaths.CityPark, "--from-state", Path.Combine(temp.Path, "state.json"), "--quiet");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("state.json", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Cluster_UnknownOption_ExitsTwoWithUsageHint()
    {
        var run = PolisCli.Run("cluster", RepoPaths.CityPark, "--bogus");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: Unrecognized command or argument '--bogus'.\nRun 'polis-cluster --help' for usage.\n", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Cluster_BadAlgorithm_ExitsTwoListingTheChoices()
    {
        var run = PolisCli.Run("cluster", RepoPaths.CityPark, "--algorithm", "spectral");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: Argument 'spectral' not recognized. Must be one of:", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("'dbscan'", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void Cluster_FromStateAndFromPolisMath_ExitsTwo()
    {
        var run = PolisCli.Run("cluster", RepoPaths.CityPark, "--from-state", "a.json", "--from-polis-math", "b.json");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: --from-state and --from-polis-math cannot be combined.", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_MalformedStateFile_ExitsThreeNamingTheFile()
    {
        using var temp = new TempFolder();
        var state = temp.Write("state.json", "{\"MathTick\": 1,\n \"InConv\": [");

        var run = PolisCli.Run("cluster", RepoPaths.CityPark, "--from-state", state, "--quiet");

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("error: state.json line 2: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_StateOutThenFromState_SecondRunIsTickTwoWithTheSameGroups()
    {
        using var temp = new TempFolder();
        var state = Path.Combine(temp.Path, "state.json");
        var first = Path.Combine(temp.Path, "first.json");
        var second = Path.Combine(temp.Path, "second.json");

        PolisCli.Ok("cluster", RepoPaths.CityPark, "--state-out", state, "--out", first, "--quiet");
        var rerun = PolisCli.Ok("cluster", RepoPaths.CityPark, "--from-state", state, "--out", second, "--quiet");

        using var a = JsonDocument.Parse(File.ReadAllText(first));
        using var b = JsonDocument.Parse(File.ReadAllText(second));
        Assert.Equal("", rerun.Stdout);
        Assert.Equal(1, a.RootElement.GetProperty("math_tick").GetInt32());
        Assert.Equal(2, b.RootElement.GetProperty("math_tick").GetInt32());
        Assert.Equal(3, ResultJson.Groups(b.RootElement).Count);
        Assert.Equal(ResultJson.Groups(a.RootElement), ResultJson.Groups(b.RootElement));
        Assert.Equal(ResultJson.Ids(a.RootElement, "in-conv"), ResultJson.Ids(b.RootElement, "in-conv"));
    }

    [Theory]
    [MemberData(nameof(PolisMathFixtures))]
    public void Cluster_FromPolisMath_KeepsTheFixturesKAndCountsTheTickOn(string name, int k, int nextTick)
    {
        var folder = SharedData.Fixture(name);
        using var blob = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "math-pca2.json")));

        var run = PolisCli.Ok("cluster", folder, "--from-polis-math", Path.Combine(folder, "math-pca2.json"), "--quiet");

        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(blob.RootElement.GetProperty("group-clusters").GetArrayLength(), json.RootElement.GetProperty("group-clusters").GetArrayLength());
        Assert.Equal(k, json.RootElement.GetProperty("group-clusters").GetArrayLength());
        Assert.Equal(nextTick, json.RootElement.GetProperty("math_tick").GetInt32());
        Assert.Equal(blob.RootElement.GetProperty("math_tick").GetInt32() + 1, nextTick);
    }

    [Fact]
    public void Cluster_OutFile_HoldsExactlyWhatStandardOutputGets()
    {
        using var temp = new TempFolder();
        var file = Path.Combine(temp.Path, "result.json");

        var toStdout = PolisCli.Ok("cluster", RepoPaths.CityPark, "--quiet");
        var toFile = PolisCli.Ok("cluster", RepoPaths.CityPark, "--quiet", "--out", file);

        Assert.Equal("", toFile.Stdout);
        Assert.Equal(toStdout.Stdout, File.ReadAllText(file));
        Assert.Equal([file], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Cluster_BadInputWithOut_WritesNoFileAndKeepsAnExistingOne()
    {
        using var temp = new TempFolder();
        var bad = Path.Combine(temp.Path, "bad");
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, "votes.csv"), VotesHeader + "1000,x,0,0,1\n2000,x,0,1,2\n");
        var fresh = Path.Combine(temp.Path, "fresh.json");
        var existing = temp.Write("existing.json", "{\"kept\": true}\n");

        var first = PolisCli.Run("cluster", bad, "--out", fresh, "--quiet");
        var second = PolisCli.Run("cluster", bad, "--out", existing, "--state-out", Path.Combine(temp.Path, "state.json"), "--quiet");

        Assert.Equal((3, 3), (first.ExitCode, second.ExitCode));
        Assert.False(File.Exists(fresh));
        Assert.Equal("{\"kept\": true}\n", File.ReadAllText(existing));
        Assert.Equal([existing], Directory.GetFiles(temp.Path));
    }

    /// <summary>Distinct voters and distinct voted comments, straight from the CSV text (no engine code).</summary>
    private static (int Voters, int Comments) CountVotesCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var voter = Array.IndexOf(header, "voter-id");
        var comment = Array.IndexOf(header, "comment-id");
        var voters = new HashSet<string>(StringComparer.Ordinal);
        var comments = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var fields = line.Split(',');
            voters.Add(fields[voter]);
            comments.Add(fields[comment]);
        }

        return (voters.Count, comments.Count);
    }
}

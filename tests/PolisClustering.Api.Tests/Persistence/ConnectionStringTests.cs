using PolisClustering.Api.Hosting;

namespace PolisClustering.Api.Tests.Persistence;

public sealed class ConnectionStringTests
{
    [Theory]
    [InlineData("postgres://svc:p%40ss@db.example.co:6543/app?sslmode=require", "Host=db.example.co;Port=6543;Database=app;Username=svc;Password=p@ss;SSL Mode=Require")]
    [InlineData("postgresql://postgres@127.0.0.1/postgres", "Host=127.0.0.1;Port=5432;Database=postgres;Username=postgres")]
    [InlineData("Host=h;Username=u", "Host=h;Username=u")]
    public void FromUri_DashboardUriOrKeyValue_NpgsqlKeyValue(string input, string expected)
    {
        Assert.Equal(expected, PostgresHosting.FromUri(input));
    }
}

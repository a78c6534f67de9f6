namespace SfOAuthGen.IntegrationTests;

public class SmokeTests
{
    [Fact]
    public void Assembly_loads() => Assert.Equal("SfOAuthGen.IntegrationTests", typeof(SmokeTests).Assembly.GetName().Name);
}

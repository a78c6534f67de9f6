namespace SfOAuthGen.Generator.Tests;

public class SmokeTests
{
    [Fact]
    public void Assembly_loads() => Assert.Equal("SfOAuthGen.Generator.Tests", typeof(SmokeTests).Assembly.GetName().Name);
}

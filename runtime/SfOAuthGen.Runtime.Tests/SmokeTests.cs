namespace SfOAuthGen.Runtime.Tests;

public class SmokeTests
{
    [Fact]
    public void Assembly_loads() => Assert.Equal("SfOAuthGen.Runtime.Tests", typeof(SmokeTests).Assembly.GetName().Name);
}

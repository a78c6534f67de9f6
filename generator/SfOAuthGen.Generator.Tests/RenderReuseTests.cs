using Scriban;
using Scriban.Runtime;
using SfOAuthGen.Generator.Model;

namespace SfOAuthGen.Generator.Tests;

/// <summary>
/// The emitter reuses one Scriban context and one set of template objects from org to org (issue 15: the generator's
/// allocation and time per org). Reuse must never let one org's values reach another org's file.
/// </summary>
public class RenderReuseTests
{
    private static readonly OrgModel EveryField = new(
        "Every", "EveryOrg", "Contoso.Every", "https://every.my.salesforce.com", "password", "Password", true,
        new EquatableArray<SecretModel>(
        [
            new SecretModel("clientId", SecretEmitKind.Literal, "every-client-id"),
            new SecretModel("clientSecret", SecretEmitKind.Reference, "env:EVERY_SECRET"),
            new SecretModel("username", SecretEmitKind.Reference, "env:EVERY_USER"),
            new SecretModel("password", SecretEmitKind.Manifest, null),
            new SecretModel("securityToken", SecretEmitKind.Reference, "env:EVERY_TOKEN"),
        ]),
        "https://every-audience.example", "https://every-redirect.example/cb", "every-scope", 72_000_000_000L, 3_000_000_000L, "61.0", false);

    private static readonly OrgModel Minimal = new(
        "Minimal", "MinimalOrg", null, "https://login.salesforce.com", "client_credentials", "ClientCredentials", false,
        new EquatableArray<SecretModel>([new SecretModel("clientId", SecretEmitKind.Reference, "env:MINIMAL_ID")]),
        null, null, null, null, null, null, null);

    [Fact]
    public void An_org_rendered_after_a_larger_one_gets_none_of_its_values()
    {
        var alone = Render(Minimal);
        Render(EveryField);
        var afterLarger = Render(Minimal);

        Assert.Equal(alone, afterLarger);
        foreach (var leftover in new[] { "every.my", "every-", "EveryOrg", "Contoso.Every", "EVERY", "Audience", "RedirectUri", "Scope", "SessionLifetime", "ApiVersion", "VerifySignature", "Password", "Basic" })
        {
            Assert.DoesNotContain(leftover, afterLarger, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Renders_on_several_threads_at_once_each_get_their_own_org()
    {
        var orgs = Enumerable.Range(0, 16).Select(i => Minimal with { Key = "Org" + i, ClassName = "Org" + i + "Org", LoginUrl = "https://org" + i + ".example" }).ToArray();
        var expected = orgs.Select(Render).ToArray();

        var actual = new string[200];
        Parallel.For(0, actual.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = Render(orgs[i % orgs.Length]));

        for (var i = 0; i < actual.Length; i++)
        {
            Assert.Equal(expected[i % orgs.Length], actual[i]);
        }
    }

    [Fact]
    public void An_org_that_fails_to_render_leaves_the_next_render_intact()
    {
        var before = Render(Minimal);
        var broken = EveryField with
        {
            Secrets = new EquatableArray<SecretModel>([EveryField.Secrets[0], new SecretModel("clientSecret", (SecretEmitKind)99, "env:BROKEN")]),
        };

        Assert.Throws<InvalidOperationException>(() => Render(broken));

        Assert.Equal(before, Render(Minimal));
    }

    [Fact]
    public void A_template_that_throws_midway_does_not_disturb_the_next_render()
    {
        var failing = Template.Parse("{{ for item in items }}{{ item }}{{ missing_variable }}{{ end }}");
        var looping = Template.Parse("{{ for item in items }}[{{ item }}]{{ end }}");
        var expected = TemplateRenderer.Render(looping, new ScriptObject { ["items"] = new ScriptArray { "a", "b" } }).ToString();

        Assert.ThrowsAny<Exception>(() => TemplateRenderer.Render(failing, new ScriptObject { ["items"] = new ScriptArray { "x", "y" } }));

        Assert.Equal("[a][b]", expected);
        Assert.Equal(expected, TemplateRenderer.Render(looping, new ScriptObject { ["items"] = new ScriptArray { "a", "b" } }).ToString());
    }

    /// <summary>
    /// Regression test for ~89 KB allocated per rendered org (a new TemplateContext, whose builtins object is copied per
    /// context, and new template objects every time) against a file of ~6,700 characters, and then for the file's text
    /// made twice (Scriban's StringBuilder copied into a string, two bytes a character, ~14 KB). Now the text is written
    /// once, one byte per character. The minimum over several renders is taken, so a render that another test thread made
    /// build its own context does not count.
    /// </summary>
    [Fact]
    public void Rendering_an_org_allocates_little_more_than_one_byte_per_character_of_its_text()
    {
        var text = Render(EveryField);
        var least = long.MaxValue;
        for (var i = 0; i < 20; i++)
        {
            var start = GC.GetAllocatedBytesForCurrentThread();
            OrgEmitter.Render(EveryField);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - start);
        }

        Assert.True(least <= text.Length + 4096, $"rendering one org allocated {least} bytes for a text of {text.Length} characters");
    }

    private static string Render(OrgModel org) => OrgEmitter.Render(org).ToString();
}

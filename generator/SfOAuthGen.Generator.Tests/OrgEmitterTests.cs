using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SfOAuthGen.Generator.Model;

namespace SfOAuthGen.Generator.Tests;

/// <summary>
/// The emitter hands the template typed values; every string among them must reach the generated settings as exactly
/// the value it was, whatever it holds. Checked on the model directly, past the parser's validation.
/// </summary>
public class OrgEmitterTests
{
    private const string Hostile = "q\"uote \\back \n line \r\n tab\t \u2028 \0 {{ settings.name_literal }} */ // \"); throw null; //";

    [Fact]
    public void Every_string_reaches_the_generated_settings_as_the_same_value()
    {
        var model = new OrgModel(
            Key: Hostile + "key",
            ClassName: "HostileOrg",
            Namespace: null,
            LoginUrl: Hostile + "login",
            FlowName: "jwt_bearer",
            FlowMember: "JwtBearer",
            BasicClientAuthentication: true,
            Secrets: new EquatableArray<SecretModel>(
            [
                new SecretModel("clientId", SecretEmitKind.Literal, Hostile + "client"),
                new SecretModel("privateKey", SecretEmitKind.Reference, Hostile + "reference"),
                new SecretModel("password", SecretEmitKind.Manifest, null),
            ]),
            Audience: Hostile + "audience",
            RedirectUri: Hostile + "redirect",
            Scope: Hostile + "scope",
            SessionLifetimeTicks: 1234567890123L,
            RenewalMarginTicks: 45L,
            ApiVersion: Hostile + "api",
            VerifySignature: false);

        var tree = CSharpSyntaxTree.ParseText(OrgEmitter.Render(model), GeneratorHarness.ParseOptions);

        Assert.Empty(tree.GetDiagnostics());
        var settings = tree.GetRoot().DescendantNodes().OfType<ObjectCreationExpressionSyntax>()
            .Single(o => o.Type.ToString() == "global::SfOAuthGen.Runtime.SalesforceOrgSettings").Initializer!;
        var values = settings.Expressions.Cast<AssignmentExpressionSyntax>().ToDictionary(
            a => a.Left.ToString(),
            a => a.Right.DescendantNodesAndSelf().OfType<LiteralExpressionSyntax>().Select(l => l.Token.Value).ToArray());

        Assert.Equal(
            ["Name", "LoginUrl", "Flow", "ClientAuthentication", "ClientId", "PrivateKey", "Password", "Audience", "RedirectUri", "Scope", "SessionLifetime", "RenewalMargin", "ApiVersion", "VerifySignature"],
            values.Keys);
        Assert.Equal([Hostile + "key"], values["Name"]);
        Assert.Equal([Hostile + "login"], values["LoginUrl"]);
        Assert.Equal([Hostile + "client"], values["ClientId"]);
        Assert.Equal([Hostile + "reference"], values["PrivateKey"]);
        Assert.Equal([Hostile + "key", "password"], values["Password"]);
        Assert.Equal([Hostile + "audience"], values["Audience"]);
        Assert.Equal([Hostile + "redirect"], values["RedirectUri"]);
        Assert.Equal([Hostile + "scope"], values["Scope"]);
        Assert.Equal([1234567890123L], values["SessionLifetime"]);
        Assert.Equal([45L], values["RenewalMargin"]);
        Assert.Equal([Hostile + "api"], values["ApiVersion"]);
        Assert.Equal([false], values["VerifySignature"]);
        Assert.Equal("global::SfOAuthGen.Runtime.SalesforceFlow.JwtBearer", Right(settings, "Flow"));
        Assert.Equal("global::SfOAuthGen.Runtime.ClientAuthentication.Basic", Right(settings, "ClientAuthentication"));
        Assert.Equal("global::SfOAuthGen.Runtime.SecretReference.Parse", Invoked(settings, "PrivateKey"));
        Assert.Equal("global::SfOAuthGen.Runtime.SecretReference.Literal", Invoked(settings, "ClientId"));
        Assert.Equal("global::SfOAuthGen.Runtime.SecretReference.Manifest", Invoked(settings, "Password"));
    }

    [Fact]
    public void Absent_optional_fields_are_left_out_of_the_settings()
    {
        var model = new OrgModel(
            "Minimal", "MinimalOrg", null, "https://login.salesforce.com", "client_credentials", "ClientCredentials", false,
            EquatableArray<SecretModel>.Empty, null, null, null, null, null, null, null);

        var tree = CSharpSyntaxTree.ParseText(OrgEmitter.Render(model), GeneratorHarness.ParseOptions);

        Assert.Empty(tree.GetDiagnostics());
        var settings = tree.GetRoot().DescendantNodes().OfType<ObjectCreationExpressionSyntax>()
            .Single(o => o.Type.ToString() == "global::SfOAuthGen.Runtime.SalesforceOrgSettings").Initializer!;
        Assert.Equal(
            ["Name", "LoginUrl", "Flow", "ClientAuthentication"],
            settings.Expressions.Cast<AssignmentExpressionSyntax>().Select(a => a.Left.ToString()));
        Assert.Equal("global::SfOAuthGen.Runtime.ClientAuthentication.Body", Right(settings, "ClientAuthentication"));
    }

    private static string Right(InitializerExpressionSyntax settings, string property) =>
        settings.Expressions.Cast<AssignmentExpressionSyntax>().Single(a => a.Left.ToString() == property).Right.ToString();

    private static string Invoked(InitializerExpressionSyntax settings, string property) =>
        ((InvocationExpressionSyntax)settings.Expressions.Cast<AssignmentExpressionSyntax>().Single(a => a.Left.ToString() == property).Right).Expression.ToString();
}

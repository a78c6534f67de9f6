using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using SfOAuthGen.Generator.Diagnostics;

namespace SfOAuthGen.Generator.Analyzers;

/// <summary>
/// SFAUTH003: a string literal anywhere in C# (regular, verbatim, raw, UTF-8, or the text of an interpolated string)
/// that contains a Salesforce access token, refresh token or consumer key, whatever it is assigned to. Syntax, not
/// operations, so attribute arguments, switch labels and parameter defaults are covered too.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TokenLiteralAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.TokenShapedLiteral);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSyntaxNodeAction(
            Analyze,
            SyntaxKind.StringLiteralExpression,
            SyntaxKind.Utf8StringLiteralExpression,
            SyntaxKind.InterpolatedStringText);
    }

    private static void Analyze(SyntaxNodeAnalysisContext context)
    {
        var text = context.Node switch
        {
            LiteralExpressionSyntax literal => literal.Token.ValueText,
            InterpolatedStringTextSyntax part => part.TextToken.ValueText,
            _ => null,
        };

        if (text is not null && SecretShapes.FindToken(text) is { } kind)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.TokenShapedLiteral, context.Node.GetLocation(), kind));
        }
    }
}

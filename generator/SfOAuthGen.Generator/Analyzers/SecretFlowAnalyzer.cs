using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SfOAuthGen.Generator.Diagnostics;

namespace SfOAuthGen.Generator.Analyzers;

/// <summary>
/// SFAUTH002: a hardcoded string reaches a member the runtime marks <c>[SalesforceSecret]</c> — as an argument, an
/// assignment (object initializers and <c>with</c> included) or a member initializer. Hardcoded means a literal, a
/// constant, a <c>static readonly</c> field or get-only static property initialised with one, a concatenation or
/// interpolation of those, a literal fallback (<c>?? "…"</c>) or branch (<c>c ? "…" : x</c>), or, for a
/// <c>SecretReference</c>, <c>SecretReference.Literal/Parse</c> of one. References, blanks and placeholders are not.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SecretFlowAnalyzer : DiagnosticAnalyzer
{
    private const string AttributeName = "SfOAuthGen.Runtime.SalesforceSecretAttribute";
    private const string SecretReferenceName = "SfOAuthGen.Runtime.SecretReference";

    /// <summary>How many fields deep a value is followed (a field initialised from a field…); cycles stop here too.</summary>
    private const int MaxDepth = 8;

    /// <summary>How many operations one value may take to evaluate; bounds time and stack on huge concatenations.</summary>
    private const int MaxOperations = 512;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.CodeSecret);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var attribute = start.Compilation.GetTypeByMetadataName(AttributeName);
            if (attribute is null)
            {
                return; // the runtime is not referenced: nothing is marked
            }

            var flow = new Flow(attribute, start.Compilation.GetTypeByMetadataName(SecretReferenceName));
            start.RegisterOperationAction(flow.AnalyzeArgument, OperationKind.Argument);
            start.RegisterOperationAction(flow.AnalyzeAssignment, OperationKind.SimpleAssignment);
            start.RegisterOperationAction(flow.AnalyzeInitializer, OperationKind.PropertyInitializer, OperationKind.FieldInitializer);
        });
    }

    private sealed class Flow
    {
        private readonly INamedTypeSymbol _attribute;
        private readonly INamedTypeSymbol? _secretReference;

        public Flow(INamedTypeSymbol attribute, INamedTypeSymbol? secretReference)
        {
            _attribute = attribute;
            _secretReference = secretReference;
        }

        public void AnalyzeArgument(OperationAnalysisContext context)
        {
            var argument = (IArgumentOperation)context.Operation;
            if (argument.IsImplicit || argument.ArgumentKind == ArgumentKind.DefaultValue || argument.Parameter is not { } parameter || !IsMarked(parameter))
            {
                return;
            }

            Check(context, argument.Value, Describe(parameter));
        }

        public void AnalyzeAssignment(OperationAnalysisContext context)
        {
            var assignment = (ISimpleAssignmentOperation)context.Operation;
            ISymbol? member = assignment.Target switch
            {
                IPropertyReferenceOperation property => property.Property,
                IFieldReferenceOperation field => field.Field,
                _ => null,
            };

            if (member is not null && IsMarked(member))
            {
                Check(context, assignment.Value, Describe(member));
            }
        }

        public void AnalyzeInitializer(OperationAnalysisContext context)
        {
            var initializer = (ISymbolInitializerOperation)context.Operation;
            ISymbol? member = initializer switch
            {
                IPropertyInitializerOperation property => property.InitializedProperties.FirstOrDefault(IsMarked),
                IFieldInitializerOperation field => field.InitializedFields.FirstOrDefault(IsMarked),
                _ => null,
            };

            if (member is not null)
            {
                Check(context, initializer.Value, Describe(member));
            }
        }

        private void Check(OperationAnalysisContext context, IOperation value, string target)
        {
            var budget = MaxOperations;
            var text = Evaluate(value, 0, ref budget, context.CancellationToken);
            if (text is not null && !SecretShapes.IsNotSecret(text))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.CodeSecret, value.Syntax.GetLocation(), target));
            }
        }

        /// <summary>The string a hardcoded value amounts to (a branch or fallback counts as the value), or null when any part of it comes from elsewhere.</summary>
        private string? Evaluate(IOperation? operation, int depth, ref int budget, System.Threading.CancellationToken cancellationToken)
        {
            if (operation is null || depth > MaxDepth || --budget < 0)
            {
                return null;
            }

            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            if (operation.ConstantValue is { HasValue: true } constant)
            {
                return constant.Value as string; // literals, consts, constant concatenations and interpolations
            }

            switch (operation)
            {
                case IFieldReferenceOperation { Field: { IsStatic: true, IsReadOnly: true } field }:
                    return EvaluateInitializer(field, operation, depth, ref budget, cancellationToken);

                case IPropertyReferenceOperation { Property: { IsStatic: true, SetMethod: null, Parameters.Length: 0 } property }:
                    return EvaluateInitializer(property, operation, depth, ref budget, cancellationToken);

                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } binary when binary.Type?.SpecialType == SpecialType.System_String:
                    return EvaluateConcatenation(binary, depth, ref budget, cancellationToken);

                case IInterpolatedStringOperation interpolated:
                    return EvaluateInterpolation(interpolated, depth, ref budget, cancellationToken);

                case ICoalesceOperation coalesce:
                    // "env ?? \"hunter2\"" still commits hunter2 to the repository.
                    return Evaluate(coalesce.WhenNull, depth, ref budget, cancellationToken);

                case IConditionalOperation conditional:
                    return Evaluate(conditional.WhenTrue, depth, ref budget, cancellationToken) ?? Evaluate(conditional.WhenFalse, depth, ref budget, cancellationToken);

                case IInvocationOperation invocation when IsSecretReferenceFactory(invocation.TargetMethod) && invocation.Arguments.Length == 1:
                    return Evaluate(invocation.Arguments[0].Value, depth, ref budget, cancellationToken);

                default:
                    return null;
            }
        }

        private string? EvaluateConcatenation(IBinaryOperation binary, int depth, ref int budget, System.Threading.CancellationToken cancellationToken)
        {
            var left = Evaluate(binary.LeftOperand, depth, ref budget, cancellationToken);
            var right = left is null ? null : Evaluate(binary.RightOperand, depth, ref budget, cancellationToken);
            return right is null ? null : left + right;
        }

        /// <summary>Text parts and plain holes only: an alignment or format string makes the result depend on formatting rules.</summary>
        private string? EvaluateInterpolation(IInterpolatedStringOperation interpolated, int depth, ref int budget, System.Threading.CancellationToken cancellationToken)
        {
            var builder = new StringBuilder();
            foreach (var part in interpolated.Parts)
            {
                var piece = part switch
                {
                    IInterpolatedStringTextOperation textPart => Evaluate(textPart.Text, depth, ref budget, cancellationToken),
                    IInterpolationOperation { Alignment: null, FormatString: null } hole => Evaluate(hole.Expression, depth, ref budget, cancellationToken),
                    _ => null,
                };

                if (piece is null)
                {
                    return null;
                }

                builder.Append(piece);
            }

            return builder.ToString();
        }

        /// <summary>
        /// Follows a static field or property to its initializer: through the semantic model when it is declared in the tree
        /// being analysed, otherwise by syntax alone (literals and their concatenations), which never needs another model.
        /// </summary>
        private string? EvaluateInitializer(ISymbol member, IOperation use, int depth, ref int budget, System.Threading.CancellationToken cancellationToken)
        {
            foreach (var reference in member.DeclaringSyntaxReferences)
            {
                var initializer = reference.GetSyntax(cancellationToken) switch
                {
                    VariableDeclaratorSyntax variable => variable.Initializer?.Value,
                    PropertyDeclarationSyntax property when property.AccessorList?.Accessors.All(a => a.Body is null && a.ExpressionBody is null) == true => property.Initializer?.Value,
                    _ => null,
                };

                if (initializer is null)
                {
                    continue;
                }

                if (use.SemanticModel is { } model && initializer.SyntaxTree == model.SyntaxTree)
                {
                    return Evaluate(model.GetOperation(initializer, cancellationToken), depth + 1, ref budget, cancellationToken);
                }

                return EvaluateSyntax(initializer, ref budget);
            }

            return null;
        }

        private static string? EvaluateSyntax(ExpressionSyntax expression, ref int budget)
        {
            if (--budget < 0)
            {
                return null;
            }

            switch (expression)
            {
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                    return literal.Token.ValueText;
                case ParenthesizedExpressionSyntax parenthesized:
                    return EvaluateSyntax(parenthesized.Expression, ref budget);
                case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.AddExpression):
                    var left = EvaluateSyntax(binary.Left, ref budget);
                    var right = left is null ? null : EvaluateSyntax(binary.Right, ref budget);
                    return right is null ? null : left + right;
                default:
                    return null;
            }
        }

        private bool IsSecretReferenceFactory(IMethodSymbol method) =>
            _secretReference is not null
            && SymbolEqualityComparer.Default.Equals(method.ContainingType, _secretReference)
            && method.Name is "Literal" or "Parse";

        private bool IsMarked(ISymbol symbol) =>
            symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, _attribute));

        /// <summary>How the message names the target: <c>new SecretValue(value)</c>, <c>Client.Login(password)</c>, <c>SalesforceOrgSettings.Password</c>.</summary>
        private static string Describe(ISymbol symbol)
        {
            if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol method } parameter)
            {
                var type = method.ContainingType?.Name ?? string.Empty;
                return method.MethodKind == MethodKind.Constructor
                    ? "new " + type + "(" + parameter.Name + ")"
                    : (type.Length == 0 ? string.Empty : type + ".") + method.Name + "(" + parameter.Name + ")";
            }

            return symbol.ContainingType is { } containing ? containing.Name + "." + symbol.Name : symbol.Name;
        }
    }
}

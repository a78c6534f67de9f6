using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SfOAuthGen.Testing;

/// <summary>Answering one request: built-in authorization, a matching interaction, the recorder, or the unmatched report.</summary>
public sealed partial class RecordedResponseServer
{
    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private async Task HandleAsync(HttpContext context)
    {
        var compiled = Volatile.Read(ref interactions);
        if (compiled is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var request = await ObservedRequest.ReadAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        if (limits is not null)
        {
            await AnswerWithinLimitsAsync(context, request, compiled, limits).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(context, request, compiled).ConfigureAwait(false);
    }

    private async Task AnswerAsync(HttpContext context, ObservedRequest request, CompiledInteraction[] compiled)
    {
        if (recorder is not null && !replayFirst)
        {
            var status = await recorder.ProxyAsync(context, request, BaseUri, stopping.Token).ConfigureAwait(false);
            options.Log?.Invoke($"{Describe(request)} -> {status} (recorded)");
            return;
        }

        if (Authorization is not null && await Authorization.TryHandleAsync(context, request, BaseUri).ConfigureAwait(false))
        {
            options.Log?.Invoke($"{Describe(request)} -> {context.Response.StatusCode} (built-in authorization)");
            return;
        }

        CompiledInteraction? match = null;
        foreach (var candidate in compiled)
        {
            if (candidate.Matches(request, Secrets) && candidate.TryConsume())
            {
                match = candidate;
                break;
            }
        }

        if (match is null && recorder is not null)
        {
            // new_episodes: what the cassette does not answer is fetched and recorded.
            var status = await recorder.ProxyAsync(context, request, BaseUri, stopping.Token).ConfigureAwait(false);
            options.Log?.Invoke($"{Describe(request)} -> {status} (recorded, new episode)");
            return;
        }

        if (match is null)
        {
            await AnswerUnmatchedAsync(context, request, compiled).ConfigureAwait(false);
            return;
        }

        options.Log?.Invoke($"{Describe(request)} -> {match.Status} (interaction #{match.Index + 1} {match.Source})");
        await ServeAsync(context, match, request).ConfigureAwait(false);
    }

    private async Task AnswerUnmatchedAsync(HttpContext context, ObservedRequest request, CompiledInteraction[] compiled)
    {
        CompiledInteraction? closest = null;
        List<string>? closestDifferences = null;
        var closestDistance = int.MaxValue;
        foreach (var candidate in compiled)
        {
            var differences = candidate.Differences(request, Secrets, out var distance);
            if (distance < closestDistance)
            {
                closest = candidate;
                closestDifferences = differences;
                closestDistance = distance;
            }
        }

        var report = new UnmatchedRequest(Describe(request), closest?.Source, (closestDifferences ?? []).ConvertAll(SecretRules.MaskTokens));
        unmatched.Enqueue(report);
        options.Log?.Invoke($"{report} -> {options.UnmatchedStatusCode} (no matching interaction)");
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, string> { ["error"] = "no_matching_interaction", ["error_description"] = report.ToString() },
            RelaxedJson);
        context.Response.StatusCode = options.UnmatchedStatusCode;
        context.Response.ContentType = "application/json;charset=UTF-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The request line with its form fields and authorization, secrets masked.</summary>
    private string Describe(ObservedRequest request)
    {
        var held = (IReadOnlyCollection<string>)Secrets.Values;
        var text = new StringBuilder(request.Method).Append(' ').Append(SecretRules.MaskValue("path", request.Path, held));
        if (request.Query.Count > 0)
        {
            text.Append('?').AppendJoin('&', request.Query.Select(p => p.Key + "=" + SecretRules.MaskValue(p.Key, p.Value, held)));
        }

        if (request.Form.Count > 0)
        {
            text.Append(" {").AppendJoin(", ", request.Form.Select(p => p.Key + "=" + SecretRules.MaskValue(p.Key, p.Value, held))).Append('}');
        }

        if (request.Json is { Count: > 0 } json)
        {
            text.Append(" json{").AppendJoin(", ", json.Select(p => p.Key + "=" + SecretRules.MaskValue(JsonFields.LeafName(p.Key), p.Value, held))).Append('}');
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            text.Append(" Authorization: ").Append(SecretRules.MaskHeader("Authorization", authorization, held));
        }

        // A token under a name no rule knows (a query parameter's name, say) is still caught by its shape.
        return SecretRules.MaskTokens(text.ToString());
    }
}
